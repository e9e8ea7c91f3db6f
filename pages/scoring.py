"""Scoring page: a lead-scoring model trained on the user's history, with honest validation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import i18n
from kpi.data.worker import load_table_in_worker
from kpi.errors import PiloteError
from kpi.scoring import (
    LeadScorer,
    RuleScorer,
    default_rules,
    detect_target,
    rules_frame,
    rules_from_frame,
    scored_headers,
)
from kpi.scoring.charts import calibration_chart, gain_chart
from kpi.share import to_csv_bytes, to_excel_bytes
from ui.analysis import loaded
from ui.markup import inert
from ui.shell import require_shell
from ui.state import lang, show_error, tables_version, tr

require_shell()
L = lang()
st.title(tr("score.title"))
st.caption(tr("score.intro"))

candidates = sorted(
    (t for t in loaded() if detect_target(t.df, t.mapping) is not None),
    key=lambda t: t.kind != "leads",  # leads tables first, then deals and others
)
others = [t for t in loaded() if t not in candidates]
choices = candidates + others
if not choices:
    st.info(tr("score.no_data"))
    st.page_link("pages/data.py", label=tr("home.start"), icon=":material/upload_file:")
    st.stop()

if not candidates:  # an orders export alone: say what scoring needs before offering it
    st.info(tr("score.no_outcome"), icon=":material/info:")
names = [t.name for t in choices]
name = st.selectbox(tr("score.table"), names, key="w_score_table")
table = next(t for t in choices if t.name == name)
columns = [str(c) for c in table.df.columns]


def download_buttons(df: pd.DataFrame, stem: str, key: str) -> None:
    c1, c2 = st.columns(2)
    c1.download_button(
        tr("score.download_csv"), to_csv_bytes(df, L), f"{stem}.csv", "text/csv", key=f"{key}-csv"
    )
    c2.download_button(
        tr("score.download_xlsx"),
        to_excel_bytes(df, "scores"),
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
    )


tab_model, tab_rules = st.tabs([tr("score.tab_model"), tr("score.tab_rules")])

with tab_model:
    detected = detect_target(table.df, table.mapping)
    c1, c2 = st.columns(2)
    target = c1.selectbox(
        tr("score.target"),
        columns,
        index=columns.index(detected) if detected in columns else 0,
        key=f"w_target_{name}",
        help=tr("score.target_help"),
    )
    model = c2.radio(
        tr("score.model"),
        ["boosting", "logistic"],
        format_func=lambda m: tr(f"score.model.{m}"),
        horizontal=True,
        key="w_score_model",
    )
    fitted = st.session_state.get("scoring")
    previous = fitted["scorer"] if fitted and fitted["table"] == name else None
    include_options = [e.column for e in previous.excluded_] if previous is not None else []
    c3, c4 = st.columns(2)
    include = c3.multiselect(
        tr("score.include"),
        include_options,
        default=[
            c for c in (previous.include if previous is not None else ()) if c in include_options
        ],
        help=tr("score.include_help"),
        key=f"w_include_{name}",
        placeholder=tr("score.none"),
        select_all=False,
    )
    exclude = c4.multiselect(
        tr("score.exclude"),
        [c for c in columns if c != target],
        key=f"w_exclude_{name}",
        placeholder=tr("score.none"),
        select_all=False,
    )
    params = (name, tables_version(), target, model, tuple(sorted(include)), tuple(sorted(exclude)))
    if st.button(tr("score.train"), type="primary", icon=":material/model_training:"):
        bar = st.progress(0.0, text=tr("score.training"))

        def progress(fraction: float, key: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=i18n.t(key, L))

        try:
            scorer = LeadScorer(model=model, exclude=exclude, include=include)
            scorer.fit(table.df, target, progress=progress)
            st.session_state["scoring"] = {"table": name, "params": params, "scorer": scorer}
            fitted = st.session_state["scoring"]
        except Exception as exc:
            show_error(exc)
        bar.empty()

    if not fitted or fitted["table"] != name:
        st.info(tr("score.press_train"))
    else:
        scorer = fitted["scorer"]
        if fitted["params"] != params:
            st.warning(tr("score.stale"))
        cv = scorer.cv_
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(
            tr("score.auc"),
            f"{i18n.format_number(cv.auc, L, 3)} ± {i18n.format_number(cv.auc_std, L, 3)}",
            help=tr("score.auc_help"),
        )
        m2.metric(
            tr("score.pr_auc"), i18n.format_number(cv.pr_auc, L, 3), help=tr("score.pr_auc_help")
        )
        m3.metric(tr("score.base_rate"), i18n.format_percent_value(cv.base_rate, L))
        if cv.baseline_auc is not None:
            m4.metric(
                tr("score.baseline"),
                i18n.format_number(cv.baseline_auc, L, 3),
                help=tr("score.baseline_help", column=inert(cv.baseline_column or "–")),
            )
        verdict = (
            "excellent"
            if cv.auc >= 0.9
            else "good"
            if cv.auc >= 0.8
            else "fair"
            if cv.auc >= 0.7
            else "weak"
        )
        st.markdown(
            tr(
                f"score.verdict.{verdict}",
                rows=i18n.Count(cv.rows),
                positives=i18n.Count(cv.positives),
            )
        )
        # Leads whose outcome is not known yet (still open) are scored, never learned from.
        st.info(
            tr(
                "score.learned_scored",
                learned=i18n.Count(scorer.n_rows_),
                scored=i18n.Count(scorer.n_open_),
            ),
            icon=":material/school:",
        )

        st.subheader(tr("score.buckets"))
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        tr("score.bucket"): b.label(L),
                        tr("score.range"): f"{b.min_score:.0f}–{b.max_score:.0f}",
                        tr("score.leads"): b.leads,
                        tr("score.share"): i18n.format_percent_value(b.share, L),
                        tr("score.observed"): i18n.format_percent_value(b.conversion, L),
                    }
                    for b in scorer.buckets_
                ]
            ),
            hide_index=True,
        )
        g1, g2 = st.columns(2)
        g1.altair_chart(gain_chart(cv.lift, L), width="stretch")
        g2.altair_chart(calibration_chart(cv.calibration, L), width="stretch")

        st.subheader(tr("score.threshold_title"))
        threshold = st.slider(tr("score.threshold"), 0, 100, 50, key="w_threshold_score")
        conf = scorer.confusion(float(threshold))
        st.dataframe(
            pd.DataFrame(
                {
                    tr("score.actual_yes"): [conf.true_positive, conf.false_negative],
                    tr("score.actual_no"): [conf.false_positive, conf.true_negative],
                },
                index=[tr("score.flagged"), tr("score.not_flagged")],
            )
        )
        st.caption(
            tr(
                "score.precision_recall",
                precision=i18n.format_percent_value(conf.precision, L),
                recall=i18n.format_percent_value(conf.recall, L),
            )
        )

        st.subheader(tr("score.factors"))
        for f in scorer.top_factors_[:8]:
            rest = f.text(L)[len(f.column) :]  # the column is named once, in bold
            st.markdown(f"- **{inert(f.column)}**{inert(rest)}")
        if scorer.excluded_:
            with st.expander(tr("score.excluded", n=len(scorer.excluded_)), expanded=True):
                for e in scorer.excluded_:
                    st.markdown(f"- **{inert(e.column)}** — {inert(e.text(L))}")

        st.subheader(tr("score.scored"))
        source = st.radio(
            tr("score.source"),
            ["open", "file"],
            format_func=lambda s: tr(f"score.source.{s}", n=i18n.Count(scorer.n_open_)),
            horizontal=True,
            key="w_score_source",
        )
        scored = None
        if source == "open":
            if scorer.n_open_ == 0:
                st.info(tr("score.no_open"))
            else:
                scored = scorer.score(table.df, lang=L, open_only=True)
        else:
            upload = st.file_uploader(tr("score.new_file"), key="w_score_file")
            if upload is not None:
                try:
                    new = load_table_in_worker(upload.getvalue(), upload.name)
                    scored = scorer.score(new.df, lang=L)
                except PiloteError as exc:
                    st.error(inert(exc.message(L)))
                except Exception as exc:
                    show_error(exc)
        if scored is not None and len(scored):
            # Headers in the UI language; each lead by its own id (else its line in the file).
            headers = scored_headers(scored, L)
            named = scored.rename(columns=headers)
            score_col, bucket_col, reasons_col = headers.values()
            id_col = next(
                (
                    table.mapping[r]
                    for r in ("lead_id", "opportunity_id", "customer_id")
                    if table.mapping.get(r) in scored.columns
                ),
                None,
            )
            first = [id_col] if id_col else []
            rest = [c for c in named.columns if c not in (*headers.values(), id_col)]
            shown = first + [score_col, bucket_col, reasons_col] + rest[:6]
            st.dataframe(named[shown].head(500), hide_index=True, width="stretch")
            offset = (table.report.header_row + 1) if table.report is not None else 1

            def lead_name(i: object) -> str:
                who = named.loc[i, id_col] if id_col else tr("score.line", n=int(i) + offset)
                return f"{who} — {named.loc[i, score_col]:.0f} ({named.loc[i, bucket_col]})"

            lead = st.selectbox(
                tr("score.one_lead"),
                list(scored.index[:200]),
                format_func=lead_name,
                key="w_one_lead",
            )
            st.markdown(
                f"**{tr('score.reasons')}** : {inert(named.loc[lead, reasons_col])}"
                if L == "fr"
                else f"**{tr('score.reasons')}**: {inert(named.loc[lead, reasons_col])}"
            )
            download_buttons(named, "leads_notes" if L == "fr" else "scored_leads", "scored")

with tab_rules:
    st.caption(tr("score.rules_intro"))
    key = f"rules::{name}"
    if key not in st.session_state:
        st.session_state[key] = rules_frame(default_rules(table.df, table.mapping))
    edited = st.data_editor(
        st.session_state[key], num_rows="dynamic", hide_index=True, width="stretch", key=f"w_{key}"
    )
    try:
        rules = rules_from_frame(edited)
        scored_rules = RuleScorer(rules).score(table.df, lang=L)
        st.dataframe(scored_rules.head(500), hide_index=True, width="stretch")
        download_buttons(scored_rules, "leads_regles" if L == "fr" else "rule_scores", "rules")
    except PiloteError as exc:
        st.error(inert(exc.message(L)))
