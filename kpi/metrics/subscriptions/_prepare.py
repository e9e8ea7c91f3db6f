"""Reading a subscriptions table once: :func:`prepare`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.errors import PiloteError
from kpi.metrics.subscriptions._table import NAT, OPEN, SCALE, Exclusion, Subscriptions, money
from kpi.metrics.subscriptions._vocabulary import (
    CLASSES,
    EXCLUDED_CLASSES,
    MONTHS_PER_UNIT,
    Problems,
    currency_code,
    customer_codes,
    has_count,
    parse_interval,
    read_dates,
    read_flags,
    read_numbers,
    status_codes,
)

# Roles read here. customer_id, product, quantity, status and unit_price exist in the role
# registry; the others are new (labels and header synonyms to add when this is wired in).
ROLE_IDS: tuple[str, ...] = (
    "customer_id", "subscription_id", "product", "unit_price", "quantity", "monthly_amount",
    "interval", "interval_count", "start_date", "trial_end", "end_date", "canceled_at",
    "cancel_at_period_end", "current_period_end", "status", "currency",
)  # fmt: skip
_DATE_ROLES = ("start_date", "trial_end", "end_date", "canceled_at", "current_period_end")
_NUMBER_ROLES = ("unit_price", "quantity", "monthly_amount", "interval_count")


def prepare(
    df: pd.DataFrame,
    mapping: Mapping[str, str],
    *,
    statuses: Mapping[str, str] | None = None,
    as_of: Any = None,
) -> Subscriptions:
    """Read a subscriptions table once: validate, compute monthly amounts and activity.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per subscription, subscription item or subscription phase (a plan change that
        ends a row and starts another moves the customer's MRR). Not modified.
    mapping : dict
        Role id → column. Needs ``customer_id``, ``start_date`` and ``unit_price`` (price per
        billing interval, × ``quantity`` when mapped) or ``monthly_amount`` (used for rows
        with no price). Optional: ``interval`` (without it prices are read as monthly, and a
        note says so), ``interval_count``, ``trial_end``, ``end_date`` (ended at),
        ``canceled_at``, ``cancel_at_period_end``, ``current_period_end``, ``status``,
        ``currency``, ``subscription_id``, ``product``. Other roles are ignored.
    statuses : dict, optional
        Status value → class (``active``, ``trial``, ``ended``, ``incomplete``, ``unpaid``,
        ``paused``), for values the vocabulary does not know or that the user reads otherwise.
    as_of : date, optional
        When the export was taken; by default the latest start, cancellation or end of an
        ended row.

    Returns
    -------
    Subscriptions

    Raises
    ------
    PiloteError
        No customer column; no start or price column, a missing column, or a column that
        does not hold what its role needs (every problem listed at once); no row countable.
    """
    problems: Problems = []
    columns = [str(c) for c in df.columns]
    if "customer_id" not in mapping:
        raise PiloteError("subscriptions.no_customer", columns=", ".join(columns))
    for role, name in mapping.items():
        if role in ROLE_IDS and name not in columns:
            problems.append((f"pas de colonne « {name} » ({role})", f"no column '{name}' ({role})"))
    if "start_date" not in mapping:
        problems.append(("aucune colonne de date de début", "no start date column"))
    if "unit_price" not in mapping and "monthly_amount" not in mapping:
        problems.append(("aucune colonne de prix ni de MRR", "no price nor monthly amount column"))
    if mapping["customer_id"] not in columns or "start_date" not in mapping:
        _raise(problems)
    mapping = {r: c for r, c in mapping.items() if c in columns}  # the others are reported

    def col(role: str) -> pd.Series | None:
        return df[mapping[role]] if role in mapping else None

    n = len(df)
    never = np.full(n, NAT)
    dates = {r: read_dates(col(r), mapping[r], problems) for r in _DATE_ROLES if r in mapping}
    nums = {r: read_numbers(col(r), mapping[r], problems) for r in _NUMBER_ROLES if r in mapping}
    at_period_end = np.zeros(n, dtype=bool)
    if "cancel_at_period_end" in mapping:
        at_period_end = read_flags(
            col("cancel_at_period_end"), mapping["cancel_at_period_end"], problems
        )
    if problems:
        _raise(problems)

    notes: list[i18n.Message] = []
    reason = np.zeros(n, dtype=np.int16)  # 0: counted, else 1 + index in `keys`
    keys: list[str] = []
    examples: dict[str, tuple[str, ...]] = {}

    def exclude(mask: np.ndarray, key: str, values: pd.Series | None = None) -> None:
        fresh = mask & (reason == 0)
        if fresh.any():
            key = f"subscriptions.excluded.{key}"
            if key not in keys:
                keys.append(key)
            reason[fresh] = keys.index(key) + 1
            if values is not None:
                shown = pd.unique(values[fresh].astype("string").fillna("–"))[:5]
                examples[key] = tuple(str(v) for v in shown)

    cust_codes, customers = customer_codes(col("customer_id"))
    exclude(cust_codes < 0, "no_customer")

    cls = np.zeros(n, dtype=np.int8)  # index in CLASSES; 0 = active
    if "status" in mapping:
        cls, unknown = status_codes(col("status"), statuses)
        if unknown:
            notes.append(i18n.Message("subscriptions.note.unknown_status",
                                      {"values": ", ".join(unknown[:8])}))  # fmt: skip
        for name in (*EXCLUDED_CLASSES, "trial"):
            key = "in_trial" if name == "trial" else name
            exclude(cls == CLASSES.index(name), key, col("status"))

    # Monthly amount: price × quantity ÷ months per interval; else the export's own MRR.
    monthly = np.full(n, np.nan)
    if "unit_price" in nums:
        price = nums["unit_price"]
        count = nums.get("interval_count", np.full(n, np.nan))
        bad_count = ~np.isnan(count) & (count <= 0)
        count = np.where(np.isnan(count) | bad_count, 1.0, count)
        if "interval" in mapping:
            codes, uniques = pd.factorize(col("interval"), use_na_sentinel=True)
            parsed = [parse_interval(u) for u in uniques]
            per = [np.nan if p is None else MONTHS_PER_UNIT[p[0]] * p[1] for p in parsed]
            # A count written in the interval ("every 3 months") is not multiplied again.
            written = [has_count(u) for u in uniques]
            months = np.array([*per, np.nan])[codes]  # an empty interval is not "monthly"
            months *= np.where(np.array([*written, False])[codes], 1.0, count)
            unknown_interval = ~np.isnan(price) & np.isnan(months)
        else:
            months, unknown_interval = count, np.zeros(n, dtype=bool)
            notes.append(i18n.Message("subscriptions.note.monthly_prices",
                                      {"column": mapping["unit_price"]}))  # fmt: skip
        quantity = nums.get("quantity", np.ones(n))
        monthly = price * np.where(np.isnan(quantity), 1.0, quantity) / months
        monthly[bad_count] = np.nan
    if "monthly_amount" in nums:
        monthly = np.where(np.isnan(monthly), nums["monthly_amount"], monthly)
    if "unit_price" in nums:
        exclude(
            np.isnan(monthly) & unknown_interval,
            "unknown_interval",
            col("interval"),
        )
        exclude(np.isnan(monthly) & bad_count, "bad_interval_count", col("interval_count"))
    exclude(np.isnan(monthly), "no_price")
    exclude(monthly < 0, "negative_amount")

    # Activity: from start (not before the trial end) to the end.
    start = dates["start_date"]
    exclude(start == NAT, "no_start")
    end = dates.get("end_date", never).copy()
    period_end = dates.get("current_period_end", never)
    need = end == NAT
    use = need & at_period_end & (period_end != NAT)  # cancelled at period end
    end[use] = period_end[use]
    need &= ~use
    if "canceled_at" in dates:
        canceled = dates["canceled_at"]
        booked = need & (canceled != NAT)
        running = booked & (cls == 0) & (period_end != NAT)  # not due yet
        end[running] = period_end[running]
        end[booked & ~running] = canceled[booked & ~running]
        need &= ~booked
    ended = need & (cls == CLASSES.index("ended"))
    end[ended & (period_end != NAT)] = period_end[ended & (period_end != NAT)]
    exclude(
        ended & (period_end == NAT),
        "ended_without_date",
        col("status"),
    )
    exclude((end != NAT) & (start != NAT) & (end < start), "end_before_start")
    counted_from = np.maximum(start, dates.get("trial_end", never))

    currency = np.full(n, "", dtype=object)
    if "currency" in mapping:
        codes, uniques = pd.factorize(
            col("currency").astype("string").str.strip().replace("", pd.NA)
        )
        currency = np.array([*(currency_code(u) for u in uniques), ""], dtype=object)[codes]
        known = sorted(set(currency[reason == 0]) - {""})
        missing = (currency == "") & (reason == 0)
        if len(known) == 1 and missing.any():
            currency[missing] = known[0]
            notes.append(i18n.Message("subscriptions.note.currency_filled",
                                      {"rows": int(missing.sum()), "currency": known[0]}))  # fmt: skip
        elif len(known) > 1:
            exclude(missing, "no_currency")

    exclusions = []
    for code, key in enumerate(keys, start=1):
        weights = monthly[reason == code]
        known_amount = (
            not np.isnan(weights).all() and key != "subscriptions.excluded.negative_amount"
        )
        total = money(round(float(np.nansum(weights)) * SCALE)) if known_amount else None
        exclusions.append(Exclusion(key, int(len(weights)), examples.get(key, ()), total))
    keep = reason == 0
    if not keep.any():
        raise PiloteError(
            "subscriptions.nothing_counted", rows=n,
            details=i18n.Text(
                " ".join(e.text("fr") for e in exclusions) or "-",
                " ".join(e.text("en") for e in exclusions) or "-",
            ),
        )  # fmt: skip

    if as_of is None:  # the latest event the export knows of
        events = [start[start != NAT], dates.get("canceled_at", never)]
        if "status" in mapping:
            events.append(end[cls == CLASSES.index("ended")])
        as_of = pd.Timestamp(int(np.max(np.concatenate(events))))
    amount = np.round(monthly[keep] * SCALE).astype(np.int64)
    used, cust = np.unique(cust_codes[keep], return_inverse=True)
    optional = {"subscription": "subscription_id", "product": "product"}
    table = pd.DataFrame({
        "row": df.index[keep],
        "customer": customers[cust_codes[keep]],
        **{k: col(r).to_numpy()[keep] if r in mapping else None for k, r in optional.items()},
        "currency": currency[keep] if "currency" in mapping else None,
        "monthly_amount": amount / SCALE,
        "counted_from": counted_from[keep].view("datetime64[ns]"),
        "counted_until": end[keep].view("datetime64[ns]"),
    })  # fmt: skip
    info = {
        "rows": n,
        "exclusions": tuple(exclusions),
        "notes": tuple(notes),
        "as_of": pd.Timestamp(as_of),
    }
    return Subscriptions(
        customers[used], cust.astype(np.int64), amount, counted_from[keep],
        np.where(end[keep] == NAT, OPEN, end[keep]), currency[keep], table, info,
    )  # fmt: skip


def _raise(problems: Problems) -> None:
    raise PiloteError(
        "subscriptions.bad_mapping",
        problems=i18n.Text(
            "; ".join(fr for fr, _ in problems), "; ".join(en for _, en in problems)
        ),
    )
