"""The currency controls of the dashboard, shown when the data holds several currencies: which
currency money KPIs are given in, and exchange rates (typed in or uploaded) to convert them all
into the main one. Amounts are never added across currencies otherwise."""

from __future__ import annotations

import streamlit as st

from kpi import i18n
from kpi.data.worker import load_table_in_worker
from kpi.errors import PiloteError
from kpi.metrics.currencies import dataset_currencies, rates_from_frame
from ui.analysis import loaded, missing_rates
from ui.markup import inert
from ui.state import analysis, lang, show_error, tr


def currency_controls() -> None:
    """Nothing when the data has one currency; else a notice with the shares, the currency
    shown and the exchange-rate inputs."""
    found = dataset_currencies(loaded())
    if not found.several:
        return
    a = analysis()
    L = lang()
    main = str(found.main)
    codes = list(found.codes)
    # The rates as the inputs below hold them (this run's values, so that the notice and
    # the currency choice above the inputs agree with them).
    for code in codes:
        key = f"w_rate_{code}"
        if code != main and key not in st.session_state:
            st.session_state[key] = a.rates.get(code)
    a.rates = {
        c: float(st.session_state[f"w_rate_{c}"])
        for c in codes
        if c != main and st.session_state.get(f"w_rate_{c}")
    }
    message = found.message()
    converted = bool(a.rates) and not missing_rates()
    shares = inert(message.text(L)) if message is not None else ""
    missing_rows = found.missing_message()
    if missing_rows is not None:
        shares += " — " + missing_rows.text(L)
    if converted:
        st.info(
            tr("cur.converted", shares=shares, main=inert(main)),
            icon=":material/currency_exchange:",
        )
    else:
        st.info(tr("cur.split", shares=shares), icon=":material/currency_exchange:")
    c1, c2 = st.columns([1, 2])
    if st.session_state.get("w_currency") not in codes:
        st.session_state["w_currency"] = a.currency if a.currency in codes else main
    chosen = c1.selectbox(
        tr("cur.shown"),
        codes,
        key="w_currency",
        disabled=converted,
        help=tr("cur.shown_help"),
    )
    a.currency = None if chosen == main else chosen
    with c2.expander(tr("cur.convert", main=inert(main)), expanded=bool(a.rates)):
        st.caption(tr("cur.convert_help", main=inert(main)))
        upload = st.file_uploader(
            tr("cur.rates_file"), type=["csv", "txt", "xlsx", "xls", "ods"], key="w_rates_file"
        )
        if upload is not None and st.session_state.get("_rates_file") != upload.file_id:
            st.session_state["_rates_file"] = upload.file_id
            try:
                for code, rate in rates_from_frame(
                    load_table_in_worker(upload.getvalue(), upload.name).df
                ).items():
                    if code in codes and code != main:
                        st.session_state[f"w_rate_{code}"] = rate
                st.rerun()  # the notice and the choice above read the new rates
            except PiloteError as exc:
                st.error(exc.message(L))
            except Exception as exc:
                show_error(exc)
        cols = st.columns(min(3, max(1, len(codes) - 1)))
        for i, code in enumerate(c for c in codes if c != main):
            cols[i % len(cols)].number_input(
                f"1 {code} = … {main}",
                min_value=0.0,
                value=None,
                step=None,
                format="%.4f",
                key=f"w_rate_{code}",
                placeholder=tr("cur.no_rate"),
            )
    missing = missing_rates()
    if a.rates and missing:
        st.warning(
            tr("currencies.missing_rates", currencies=inert(", ".join(missing))),
            icon=":material/warning:",
        )


i18n.add_messages(
    {
        "cur.split": {
            "fr": "{shares}. Les montants ne sont jamais additionnés d'une devise à l'autre : les indicateurs en montant sont donnés dans la devise choisie ci-dessous, les autres devises sous chaque carte ; les comptages (commandes, taux de réussite) portent sur toutes les lignes. Pour tout convertir, saisissez les taux de change.",
            "en": "{shares}. Amounts are never added across currencies: money KPIs are given in the currency chosen below, the other currencies under each card; counts (orders, win rate) cover every row. To convert everything, type in the exchange rates.",
        },
        "cur.converted": {
            "fr": "{shares}. Montants convertis en {main} aux taux saisis ci-dessous.",
            "en": "{shares}. Amounts converted into {main} at the rates typed in below.",
        },
        "cur.shown": {"fr": "Devise des montants", "en": "Currency of the amounts"},
        "cur.shown_help": {
            "fr": "Les indicateurs en montant (chiffre d'affaires, panier moyen, pipeline…) portent sur les lignes de cette devise.",
            "en": "Money KPIs (revenue, average order, pipeline…) are computed on the rows in this currency.",
        },
        "cur.convert": {
            "fr": "Convertir en {main} avec des taux de change",
            "en": "Convert into {main} with exchange rates",
        },
        "cur.convert_help": {
            "fr": "Un taux par devise : combien vaut 1 unité de la devise en {main}. Pilote n'appelle aucun service de taux : c'est vous qui les donnez (saisis ou dans un fichier à deux colonnes : devise, taux).",
            "en": "One rate per currency: what 1 unit of it is worth in {main}. Pilote calls no rate service: you give them (typed in, or a two-column file: currency, rate).",
        },
        "cur.rates_file": {"fr": "Fichier de taux (facultatif)", "en": "Rates file (optional)"},
        "cur.no_rate": {"fr": "pas de taux", "en": "no rate"},
    }
)
