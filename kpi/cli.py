"""Command line: the same engine as the app, for automation.

``python -m kpi inspect FILE [--sheet NAME] [--json]`` prints how a file was read, its kind and
its column roles; ``python -m kpi kpis FILE [FILE ...] [--objective ID ...] [--period P]
[--map ROLE=COLUMN ...] [--target KPI=VALUE ...] [--lang fr|en] [--json]`` computes the KPIs;
``python -m kpi report [FILE ...] [--workspace NAME] --out report.xlsx|report.html`` (plus the
options of ``kpis``) writes a report for scheduled runs; ``python -m kpi trend FILE ... [--kpi
ID] [--by day|week|month|quarter] [--forecast N] [--until YYYY-MM-DD] [--json]`` gives the series,
anomalies and forecast of the Trends page. Exit codes: 0 success, 2 bad input or bad arguments
(one clear line on stderr, never a traceback).

Files are read in this process (the app reads uploads in a worker process, see
:mod:`kpi.data.worker`): a command is one person's own process on their own file, and a
worker would add its start-up (1–2 s) to every run. They are checked first — only regular
files within ``PILOTE_MAX_FILE_MB`` (a folder, a named pipe, a device such as ``/dev/zero``
gets exit 2 with one line), every input before the first is read, and an output path before
any long work — and read with the same row, column and zip limits as in the app. Report charts
are drawn in a worker (vl-convert aborts its process on some inputs).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

from kpi import i18n
from kpi.data import (
    ROLE_IDS,
    ROLES_BY_ID,
    Table,
    detect_kind,
    load_path,
    role_label,
    validate_mapping,
)
from kpi.data.files import check_input_path, check_output_path
from kpi.errors import PiloteError

FREQUENCIES = ("day", "week", "month", "quarter")
_FREQ_WORDS = {
    "day": i18n.Text("jour", "day"),
    "week": i18n.Text("semaine", "week"),
    "month": i18n.Text("mois", "month"),
    "quarter": i18n.Text("trimestre", "quarter"),
}
TARGET_LIMIT = 1e15
"""Largest target accepted (in absolute value): beyond, no KPI of a sales team is meant."""


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line, as for any other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message}\n")


def _lang_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=i18n.LANGUAGES, default="en", help="message language")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m kpi", description="Pilote: sales KPIs from your exports.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("inspect", help="how a file is read, its kind and column roles")
    p.add_argument("file")
    p.add_argument("--sheet", help="sheet of a workbook (default: the largest table)")
    p.add_argument("--map", action="append", default=[], metavar="ROLE=COLUMN")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _lang_arg(p)
    p.set_defaults(func=cmd_inspect)

    p = sub.add_parser("kpis", help="KPIs of one or several files (each recognised by its kind)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--objective", action="append", default=[], metavar="ID")
    p.add_argument("--period", default="all", help="all, 2024, 2024-Q1, 2024-03 or a..b")
    p.add_argument("--map", action="append", default=[], metavar="ROLE=COLUMN")
    p.add_argument("--target", action="append", default=[], metavar="KPI=VALUE")
    p.add_argument(
        "--by",
        metavar="ROLE|COLUMN",
        help="every KPI per value of a dimension: a role (team) or a column with a role "
        "(manager, joined from a teams file)",
    )
    p.add_argument(
        "--currency",
        metavar="CODE",
        help="with several currencies in the data: the one money KPIs are given in "
        "(default: the main one)",
    )
    p.add_argument(
        "--rate",
        action="append",
        default=[],
        metavar="CODE=RATE",
        help="exchange rate into the main currency (1 CODE = RATE); with one for every other "
        "currency, amounts are converted and added up",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _lang_arg(p)
    p.set_defaults(func=cmd_kpis)

    p = sub.add_parser(
        "report",
        help="an Excel or HTML report of the KPIs (for scheduled runs)",
        description="Write a report (scorecard, alerts, definitions, trends) as .xlsx or .html. "
        "With --workspace, the workspace's KPIs, objectives, targets, statuses and filters are "
        "used, and its column mappings are applied to FILEs with the same columns; without "
        "FILE, the workspace's own tables are used. Period: --period, else the workspace's "
        "saved period when no FILE is given, else the latest month (quarter, year) of the data.",
    )
    p.add_argument("files", nargs="*", metavar="FILE")
    p.add_argument("--workspace", metavar="NAME", help="a workspace saved from the app")
    p.add_argument(
        "--owner",
        default=None,
        help="whose workspace, on an instance with login: ISSUER|SUBJECT (default: local)",
    )
    p.add_argument("--objective", action="append", default=[], metavar="ID")
    p.add_argument("--kpi", action="append", default=[], metavar="ID", help="KPIs, in order")
    p.add_argument("--period", default=None, help="all, 2024, 2024-Q1, 2024-03 or a..b")
    p.add_argument("--map", action="append", default=[], metavar="ROLE=COLUMN")
    p.add_argument("--target", action="append", default=[], metavar="KPI=VALUE")
    p.add_argument("--title", help="report title (default: Pilote report — PERIOD)")
    p.add_argument("--out", required=True, metavar="report.xlsx|report.html")
    _lang_arg(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "trend",
        help="a measure or KPI over time, its anomalies and forecast (the Trends page)",
        description="The series the Trends page draws, the anomalies judged on it and the "
        "forecast of its next periods. --until uses only the data up to that day, to see what "
        "the forecast said then.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--kpi", metavar="ID", help="a measure or KPI id (default: revenue, else the first)"
    )
    p.add_argument("--by", choices=FREQUENCIES, default="month", help="granularity")
    p.add_argument(
        "--forecast",
        type=int,
        metavar="N",
        help="periods to forecast (default: 28 days, 8 weeks, 6 months or 4 quarters)",
    )
    p.add_argument("--until", metavar="YYYY-MM-DD", help="use only the data up to this day")
    p.add_argument("--map", action="append", default=[], metavar="ROLE=COLUMN")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _lang_arg(p)
    p.set_defaults(func=cmd_trend)

    p = sub.add_parser("score", help="train a lead-scoring model on your history and score leads")
    p.add_argument("file")
    p.add_argument("--target", help="outcome column (default: detected: Converted, Won, y…)")
    p.add_argument("--model", choices=("boosting", "logistic"), default="boosting")
    p.add_argument("--exclude", action="append", default=[], metavar="COLUMN")
    p.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="COLUMN",
        help="put back a column the leakage guard left out",
    )
    p.add_argument("--predict", metavar="FILE", help="score this file (default: the open leads)")
    p.add_argument("--out", metavar="FILE", help="write the scored leads (.csv or .xlsx)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _lang_arg(p)
    p.set_defaults(func=cmd_score)
    return parser


def parse_map_args(items: Sequence[str]) -> dict[str, str]:
    """``ROLE=COLUMN`` pairs → dict; unknown roles raise with the list of valid ones."""
    out: dict[str, str] = {}
    for item in items:
        role, sep, column = item.partition("=")
        role = role.strip()
        if not sep or not column:
            raise PiloteError("cli.bad_map", item=item)
        if role not in ROLES_BY_ID:
            raise PiloteError("cli.unknown_role", role=role, roles=", ".join(ROLE_IDS))
        out[role] = column.strip()
    return out


def apply_map(table: Table, overrides: dict[str, str]) -> Table:
    """Apply user ``--map`` overrides on top of the detected mapping, validated."""
    if not overrides:
        return table
    mapping = {r: c for r, c in table.mapping.items() if c not in overrides.values()}
    mapping.update(overrides)
    validate_mapping(table.df, mapping)
    return table.with_mapping(mapping, kind=detect_kind(mapping))


def inspect_json(table: Table, lang: str = "en") -> dict[str, Any]:
    """The ``inspect --json`` document.

    ``source`` is ``{"tool", "export", "lang"}`` when the file is a recognised tool's export
    (else null), ``recognition`` what was applied (semantics, notes, warnings), and
    ``currencies`` the shares of each currency when the table has a currency column.
    """
    from kpi.metrics.currencies import dataset_currencies

    assert table.report is not None
    report = table.report.to_dict(lang)
    found = dataset_currencies([table])
    return {
        "source": report["source"],
        "recognition": report["recognition"],
        "currencies": found.to_dict(lang) if found.rows else None,
        "file": report["file"],
        "rows": report["rows"],
        "columns": report["columns"],
        "kind": table.kind,
        "mapping": dict(table.mapping),
        "confidence": dict(table.confidence),
        "format": report["format"],
        "column_types": report["column_types"],
        "dropped": report["dropped"],
        "dropped_columns": report["dropped_columns"],
        "warnings": report["warnings"],
    }


def cmd_inspect(args: argparse.Namespace) -> int:
    table = apply_map(load_path(args.file, sheet=args.sheet), parse_map_args(args.map))
    doc = inspect_json(table, args.lang)
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
        return 0
    lang = args.lang
    fmt = doc["format"]
    print(
        f"{doc['file']}: {doc['rows']} rows × {len(doc['columns'])} columns — kind: {doc['kind']}"
    )
    reading = table.report.source if table.report is not None else None
    if reading is not None and reading.recognised:
        print(f"  {reading.describe(lang)}")
        for line in reading.semantics.get(lang, []) + reading.notes.get(lang, []):
            print(f"    · {line}")
    print(
        f"  encoding {fmt['encoding']}, delimiter {fmt['delimiter']!r}, decimal {fmt['decimal']!r}, "
        f"header row {fmt['header_row']}"
        + (f", sheet {fmt['sheet']!r} of {fmt['sheets']}" if fmt["sheet"] else "")
    )
    print("  roles:")
    for role, col in doc["mapping"].items():
        label = role_label(role, lang)
        print(f"    {role:<15} ← {col}  ({label}, {doc['confidence'].get(role, 1.0):.0%})")
    for d in doc["dropped"]:
        print(f"  dropped: {d['reason']}")
    for w in doc["warnings"]:
        print(f"  warning: {w}")
    return 0


def load_many(files: Sequence[str], overrides: dict[str, str]) -> list[Table]:
    """Load each file; ``--map`` overrides apply to the files that have the named columns.

    Every path is checked before the first file is read (a typo in the last one fails at
    once)."""
    for f in files:
        check_input_path(f)
    tables = []
    for f in files:
        table = load_path(f)
        mine = {r: c for r, c in overrides.items() if c in table.df.columns}
        tables.append(apply_map(table, mine))
    missing = {c for c in overrides.values() if not any(c in t.df.columns for t in tables)}
    if missing:
        columns = sorted({str(c) for t in tables for c in t.df.columns})
        raise PiloteError(
            "cli.map_no_column", columns=", ".join(sorted(missing)), available=", ".join(columns)
        )
    return tables


def parse_targets(items: Sequence[str]) -> dict[str, float]:
    from kpi.metrics import KPI_IDS

    out: dict[str, float] = {}
    for item in items:
        kpi_id, sep, value = item.partition("=")
        if kpi_id not in KPI_IDS:
            raise PiloteError("cli.unknown_kpi", kpi=kpi_id, kpis=", ".join(KPI_IDS))
        try:
            number = float(value.replace(",", "."))
        except ValueError as exc:
            raise PiloteError("cli.bad_target", item=item) from exc
        if not math.isfinite(number) or abs(number) > TARGET_LIMIT:
            raise PiloteError("cli.target_out_of_range", item=item, limit="10^15")
        out[kpi_id] = number
    return out


def cmd_kpis(args: argparse.Namespace) -> int:
    from kpi.metrics import check_objectives, parse_period
    from kpi.share import kpis_json

    # Check the cheap arguments before reading any file.
    objectives = list(args.objective) or None
    if objectives:
        check_objectives(objectives)
    period = parse_period(args.period)
    overrides = parse_map_args(args.map)
    targets = parse_targets(args.target)
    from kpi.metrics.currencies import parse_rates

    rates = parse_rates(args.rate) if args.rate else None
    linked = link_files(load_many(args.files, overrides))
    tables = linked.tables
    doc = kpis_json(
        tables,
        objectives,
        period,
        args.lang,
        targets or None,
        currency=args.currency,
        rates=rates,
        by=args.by,
    )
    doc["links"] = [link.to_dict(args.lang) for link in linked.links]
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
        return 0
    period_doc = doc["period"]
    label = period_doc.get("label") if isinstance(period_doc, dict) else period_doc
    print(f"{label} — " + ", ".join(t.name for t in tables))
    for link in linked.links:
        for message in link.messages():
            print(f"  {message.text(args.lang)}")
    for warning in doc.get("warnings", []):
        print(f"  ! {warning}")
    vs = i18n.t("cli.vs_previous", args.lang)
    for k in doc["kpis"]:
        print(f"  {k['label']:<40} {_shown(k, vs, args.lang)}")
    if doc.get("breakdown") is not None:
        role = role_label(doc["by"], args.lang)
        if doc.get("by_column") and doc["by_column"] != role:
            role = f"{role} ({doc['by_column']})"
        print(i18n.t("cli.by", args.lang, role=role))
        for part in doc["breakdown"]:
            print(f"  {part['value']}")
            for k in part["kpis"]:
                print(f"    {k['label']:<38} {_shown(k, vs, args.lang)}")
    return 0


def _shown(k: dict[str, Any], vs: str, lang: str) -> str:
    """A KPI of the ``kpis`` document as one line of text."""
    from kpi.metrics import get_kpi

    shown = k.get("formatted") or ("–" if k["value"] is None else k["value"])
    kpi = get_kpi(k["id"])
    # Rates and scores change in points, amounts and counts in % (as on the cards).
    change = k.get("change_points") if kpi.change_kind == "points" else k.get("change")
    extra = ""
    if change is not None:
        # A period in progress compares its projection over the whole period: say so.
        projected = k.get("projected") is not None
        label = i18n.t("cli.vs_previous_projected", lang) if projected else vs
        extra = f"  ({kpi.format_change(change, lang)} {label})"
    if k["value"] is None and k.get("reason"):
        extra = f"  ({k['reason']})"
    others = [
        p["formatted"]
        for p in k.get("per_currency", [])
        if p["currency"] != k["currency"] and p["value"] is not None
    ]
    if others:
        extra += "  [" + " · ".join(others) + "]"
    return f"{shown}{extra}"


def link_files(tables: list[Table]) -> Any:
    """The files with their lookup tables joined (teams, accounts, products): see
    :func:`kpi.data.lookups.link_tables`."""
    from kpi.data.lookups import link_tables

    return link_tables(tables)


def _workspace_tables(
    tables: list[Table], saved: list[Table], store: Any, owner: str, overrides: dict[str, str]
) -> list[Table]:
    """New exports with the mapping saved for the same columns (in the workspace, else in the
    store's mapping memory), then the ``--map`` overrides on top."""
    from kpi.data import columns_signature
    from kpi.share import apply_saved_mapping

    by_signature = {columns_signature([str(c) for c in t.df.columns]): t for t in saved}
    out = []
    for table in tables:
        twin = by_signature.get(columns_signature([str(c) for c in table.df.columns]))
        remembered = False
        if twin is not None:
            try:
                validate_mapping(table.df, twin.mapping)
                table, remembered = table.with_mapping(dict(twin.mapping), kind=twin.kind), True
            except PiloteError:
                pass  # same columns, but the values no longer fit: keep the detection
        if not remembered:
            table, _ = apply_saved_mapping(store, owner, table)
        out.append(apply_map(table, {r: c for r, c in overrides.items() if c in table.df.columns}))
    return out


def cmd_report(args: argparse.Namespace) -> int:
    import os
    import time
    from pathlib import Path

    from kpi.metrics import check_objectives, parse_period
    from kpi.share import ReportOptions, build_report, check_output_path, write_report

    started = time.perf_counter()
    # Check the cheap arguments before reading any file.
    check_output_path(args.out)
    if not args.files and not args.workspace:
        raise PiloteError("report.no_input")
    objectives = list(args.objective)
    check_objectives(objectives or None)
    period = parse_period(args.period) if args.period else None
    overrides = parse_map_args(args.map)
    targets = parse_targets(args.target)
    parse_targets([f"{k}=0" for k in args.kpi])  # unknown KPI ids: the same clear message
    settings: dict[str, Any] = {}
    if args.workspace:
        from kpi.share import LOCAL_OWNER, open_store

        # The app's default data folder, wherever the command runs from (cron).
        root = Path(__file__).resolve().parent.parent
        data_dir = None if os.environ.get("PILOTE_DATA_DIR") else root / "data"
        store = open_store(data_dir=data_dir)
        owner = args.owner or LOCAL_OWNER
        workspace = store.load(owner, args.workspace)
        settings = dict(workspace.settings)
        if args.files:
            tables = _workspace_tables(
                load_many(args.files, overrides), workspace.tables, store, owner, overrides
            )
            settings["period"] = None  # next month's files: their latest period
        else:
            tables = [
                apply_map(t, {r: c for r, c in overrides.items() if c in t.df.columns})
                for t in workspace.tables
            ]
    else:
        tables = load_many(args.files, overrides)
    tables = link_files(tables).tables
    if objectives:
        settings["objectives"] = objectives
        settings["kpis"] = []
    if args.kpi:
        settings["kpis"] = list(args.kpi)
    if period is not None:
        settings["period"] = period.key
        settings["granularity"] = "all" if period.is_all else period.kind
    settings["targets"] = {**(settings.get("targets") or {}), **targets}
    options = ReportOptions.from_settings(settings, lang=args.lang, title=args.title)
    report = build_report(tables, options)
    path = write_report(report, args.out)
    seconds = f"{time.perf_counter() - started:.1f}"
    period_label = report.period_text()
    print(
        i18n.t(
            "report.done",
            args.lang,
            path=path,
            n=len(report.rows),
            period=period_label,
            seconds=seconds,
        )
    )
    return 0


def parse_until(value: str | None) -> Any:
    """``--until YYYY-MM-DD`` as a timestamp (``None`` when not given)."""
    import pandas as pd

    if value is None:
        return None
    try:
        return pd.Timestamp(datetime.date.fromisoformat(value.strip()))
    except ValueError as exc:
        raise PiloteError("cli.bad_until", value=value) from exc


def cmd_trend(args: argparse.Namespace) -> int:
    from kpi.explore.drivers import explain_anomalies
    from kpi.explore.trend_view import trend_series, trend_view
    from kpi.metrics import Engine
    from kpi.metrics.primitives import dataset_currency

    # Check the cheap arguments before reading any file.
    lang = args.lang
    until = parse_until(args.until)
    if args.forecast is not None and args.forecast < 1:
        raise PiloteError("trends.bad_horizon", value=args.forecast)
    tables = load_many(args.files, parse_map_args(args.map))
    series = trend_series(Engine(tables), args.kpi, args.by, until=until, lang=lang)
    if series.frame.empty or series.frame["value"].notna().sum() == 0:
        raise PiloteError("cli.trend_empty", kpi=series.id)
    view = trend_view(series.frame, args.by, args.forecast, lang=lang)
    found = explain_anomalies(view.series, view.method, args.by, series.facts,
                              series.id if series.facts is not None else None)  # fmt: skip
    currency = dataset_currency(tables)
    doc = {
        "kpi": series.id,
        "label": series.label(lang),
        "unit": series.unit,
        "currency": currency,
        "until": None if until is None else until.date().isoformat(),
        **view.to_json(),
        "anomalies": [
            {"start": a.start.date().isoformat(), "text": a.text(lang, series.unit, currency)}
            for a in found
        ],
        "anomalies_note": view.anomalies_note(lang),
        "forecast_text": view.forecast_text(lang),
        "forecast_note": view.forecast_note(lang),
    }
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
        return 0
    fmt = lambda v: i18n.format_value(v, series.unit, lang, currency)  # noqa: E731
    print(i18n.t("cli.trend_title", lang, label=doc["label"], freq=_FREQ_WORDS[args.by],
                 files=", ".join(t.name for t in tables)))  # fmt: skip
    marks = {-1: "▼", 1: "▲"}
    for p in doc["points"]:
        flag = marks.get(p["anomaly"], " ")
        partial = " " + i18n.t("cli.trend_partial", lang) if p["partial"] else ""
        expected = "" if p["expected"] is None or not p["anomaly"] else f"  ({fmt(p['expected'])})"
        print(f"  {flag} {p['label']:<18} {fmt(p['value']):>16}{expected}{partial}")
    for a in doc["anomalies"]:
        print(f"  {a['text']}")
    if view.method in ("seasonal", "rolling_median") and not found:
        print(i18n.t("cli.trend_no_anomaly", lang))
    for note in (doc["anomalies_note"], doc["forecast_text"], doc["forecast_note"]):
        if note:
            print(note)
    if doc["forecast"]:
        for p in doc["forecast"]["points"]:
            band = f"[{fmt(p['lower'])} – {fmt(p['upper'])}]"
            print(f"  → {p['label']:<18} {fmt(p['forecast']):>16}  {band}")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from kpi.scoring import LeadScorer, detect_target, summary_json

    out = args.out
    # Every path before any work: training can take a while.
    check_input_path(args.file)
    if args.predict:
        check_input_path(args.predict)
    if out:
        check_output_path(out, (".csv", ".xlsx"))
    table = load_path(args.file)
    target = args.target or detect_target(table.df, table.mapping)
    if target is None:
        raise PiloteError("cli.no_target", columns=", ".join(map(str, table.df.columns)))
    if target not in table.df.columns:
        raise PiloteError(
            "cli.map_no_column", columns=target, available=", ".join(map(str, table.df.columns))
        )
    unknown = [c for c in args.exclude + args.include if c not in table.df.columns]
    if unknown:
        raise PiloteError(
            "cli.map_no_column",
            columns=", ".join(unknown),
            available=", ".join(map(str, table.df.columns)),
        )
    scorer = LeadScorer(model=args.model, exclude=args.exclude, include=args.include)
    scorer.fit(table.df, target)
    if args.predict:
        scored = scorer.score(load_path(args.predict).df, lang=args.lang)
    else:
        scored = scorer.score(table.df, lang=args.lang, open_only=scorer.n_open_ > 0)
    if out:
        from kpi.share import to_csv_bytes, to_excel_bytes

        data = (
            to_excel_bytes(scored, "scores")
            if out.lower().endswith(".xlsx")
            else to_csv_bytes(scored, args.lang)
        )
        try:
            with open(out, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise PiloteError(
                "cli.cannot_write", path=out, reason=exc.strerror or str(exc)
            ) from exc
    doc = summary_json(scorer)
    doc["scored_rows"] = len(scored)
    if out:
        doc["out"] = out
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
        return 0
    lang = args.lang
    print(
        i18n.t(
            "cli.score_summary",
            lang,
            rows=doc["rows"],
            target=target,
            rate=i18n.format_percent_value(doc["base_rate"], lang),
            model=doc["model"],
            auc=i18n.format_number(doc["cv_auc"], lang, 3),
            sd=i18n.format_number(doc["cv_auc_std"], lang, 3),
        )
    )
    for ex in scorer.excluded_:
        print(f"  - {ex.column}: {ex.text(lang)}")
    for f in scorer.top_factors_[:5]:
        print(f"  + {f.text(lang)}")
    print(i18n.t("cli.scored", lang, n=len(scored), out=out or "-"))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", "en")
    try:
        return int(args.func(args) or 0)
    except PiloteError as exc:
        print(f"error: {exc.message(lang)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


i18n.add_messages(
    {
        "cli.bad_map": {
            "fr": '« {item} » : écrivez --map ROLE=COLONNE, par exemple --map amount="Montant HT".',
            "en": "'{item}': write --map ROLE=COLUMN, e.g. --map amount=\"Net amount\".",
        },
        "cli.map_no_column": {
            "fr": "Aucun fichier n'a la ou les colonnes {columns}. Colonnes disponibles : {available}.",
            "en": "No file has the column(s) {columns}. Available columns: {available}.",
        },
        "cli.cannot_write": {
            "fr": "Impossible d'écrire « {path} » : {reason}. Choisissez un dossier où vous pouvez écrire.",
            "en": "Cannot write '{path}': {reason}. Choose a folder you can write to.",
        },
        "cli.no_target": {
            "fr": "Aucune colonne de résultat (converti, gagné…) trouvée. Indiquez-la avec --target. Colonnes : {columns}.",
            "en": "No outcome column (converted, won…) found. Name it with --target. Columns: {columns}.",
        },
        "cli.score_summary": {
            "fr": "{rows} leads avec résultat ({target}), taux de base {rate} ; modèle {model} : AUC validée croisée {auc} ± {sd}",
            "en": "{rows} leads with an outcome ({target}), base rate {rate}; {model} model: cross-validated AUC {auc} ± {sd}",
        },
        "cli.scored": {"fr": "{n} leads notés → {out}", "en": "{n} leads scored → {out}"},
        "cli.vs_previous": {"fr": "vs période précédente", "en": "vs previous period"},
        "cli.vs_previous_projected": {
            "fr": "vs période précédente, en projection",
            "en": "vs previous period, projected",
        },
        "cli.by": {"fr": "Par {role} :", "en": "By {role}:"},
        "cli.unknown_kpi": {
            "fr": "Indicateur inconnu « {kpi} ». Indicateurs valides : {kpis}.",
            "en": "Unknown KPI '{kpi}'. Valid KPIs: {kpis}.",
        },
        "cli.target_out_of_range": {
            "fr": "« {item} » : un objectif doit être un nombre fini d'au plus {limit} en valeur absolue.",
            "en": "'{item}': a target must be a finite number of at most {limit} in absolute value.",
        },
        "cli.bad_target": {
            "fr": "« {item} » : écrivez --target KPI=VALEUR, par exemple --target revenue=250000.",
            "en": "'{item}': write --target KPI=VALUE, e.g. --target revenue=250000.",
        },
        "cli.bad_until": {
            "fr": "« {value} » : écrivez --until AAAA-MM-JJ, par exemple --until 2011-06-30.",
            "en": "'{value}': write --until YYYY-MM-DD, e.g. --until 2011-06-30.",
        },
        "cli.trend_empty": {
            "fr": "Aucune valeur de « {kpi} » à tracer dans ces fichiers (ni dans la période "
            "demandée).",
            "en": "No value of '{kpi}' to draw from these files (nor in the period asked for).",
        },
        "cli.trend_title": {
            "fr": "{label} par {freq} — {files}",
            "en": "{label} by {freq} — {files}",
        },
        "cli.trend_partial": {"fr": "(en cours)", "en": "(in progress)"},
        "cli.trend_no_anomaly": {
            "fr": "Aucune anomalie : chaque période reste dans sa fourchette habituelle.",
            "en": "No anomaly: every period stays within its usual range.",
        },
        "cli.unknown_role": {
            "fr": "Rôle inconnu « {role} ». Rôles valides : {roles}.",
            "en": "Unknown role '{role}'. Valid roles: {roles}.",
        },
    }
)
