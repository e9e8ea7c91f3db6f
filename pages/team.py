"""Team: reps ranked over the period, team totals, targets and pacing, one rep in detail."""

from __future__ import annotations

import streamlit as st

from kpi.explore import charts, team
from kpi.metrics import get_kpi
from ui import explore as ex
from ui.analysis import currency, loaded
from ui.cache import session_cached
from ui.shell import require_shell
from ui.state import lang, tr

require_shell()
L = lang()
CUR = currency()
ex.need_data("explore.team.title")
st.caption(tr("explore.team.intro"))
period, eng = ex.sidebar()
tables = loaded()
roles = [r for r in ("rep", "team") if any(t.has(r) for t in tables)]
if not roles:
    st.info(tr("explore.team.no_reps"))
    st.stop()
by = (
    st.segmented_control(
        tr("explore.team.by"),
        roles,
        format_func=ex.role_namer(L),
        key=f"tm_by_{L}",
        wrap=True,
        default=roles[0],
    )
    or roles[0]
)

board = session_cached("leaderboard", lambda: team.leaderboard(eng, period, by), by, period.key)
totals = session_cached("team_totals", lambda: team.team_totals(eng, period, by), by, period.key)
kpi_cols = [c for c in team.LEADERBOARD_KPIS if c in board.columns and board[c].notna().any()]
extra = [
    c
    for c in ("deals_won", "won_value", "target", "attainment", "pacing")
    if c in board and board[c].notna().any()
]
if board.empty or not (kpi_cols or extra):
    ex.no_data()
    st.stop()

units = {k: get_kpi(k).unit for k in kpi_cols}
units.update({"deals_won": "count", "won_value": "money", "target": "money",
              "attainment": "percent", "pacing": "percent"})  # fmt: skip
headers = {"rank": tr("explore.col.rank"), "member": ex.role_name(by)}
headers.update({k: get_kpi(k).label(L) for k in kpi_cols})
headers.update({c: tr(f"explore.col.{c}") for c in extra})

# -- team totals ------------------------------------------------------------------------------
st.subheader(tr("explore.team.totals"))
shown = [k for k in ("revenue", "orders", "win_rate", "avg_deal_size", "sales_cycle_days",
                     "attainment") if k in totals]  # fmt: skip
if shown:
    cols = [c for _ in range(0, len(shown), 3) for c in st.columns(3)]
    for col, key in zip(cols, shown, strict=False):
        label = get_kpi(key).label(L)
        col.metric(label, ex.fmt(totals.get(key), units.get(key, get_kpi(key).unit)))

# -- leaderboard ------------------------------------------------------------------------------
st.subheader(tr("explore.team.leaderboard"))
metrics = kpi_cols + [c for c in ("deals_won", "won_value", "attainment") if c in extra]
if st.session_state.get(f"tm_metric_{L}") not in metrics:
    st.session_state[f"tm_metric_{L}"] = metrics[0]
metric = st.selectbox(
    tr("explore.team.metric"), metrics, format_func=lambda c: headers[c], key=f"tm_metric_{L}"
)
median = board[metric].median()
chart = charts.bar_chart(
    board,
    "member",
    metric,
    lang=L,
    unit=units[metric],
    currency=CUR,
    value_title=headers[metric],
    category_title=ex.role_name(by),
    extra_tooltips=[(c, headers[c], units[c]) for c in metrics[:6] if c != metric],
    reference=None if board[metric].isna().all() else float(median),
)
st.caption(tr("explore.team.median_note"))
ex.show_chart(
    chart,
    ex.export_table(board, headers),
    f"leaderboard-{by}-{period.key}",
    "board",
    display=ex.formatted(board, units, headers),
)
st.dataframe(ex.formatted(board, units, headers), hide_index=True, width="stretch")

# -- attainment -------------------------------------------------------------------------------
st.subheader(tr("explore.team.attainment"))
if "attainment" in board and board["attainment"].notna().any() and "revenue" in board:
    st.caption(tr("explore.team.attainment_help"))
    aheaders = {k: headers[k] for k in ("member", "revenue", "target", "attainment", "pacing")}
    ex.show_chart(
        charts.attainment_chart(board, lang=L, currency=CUR, member_title=ex.role_name(by)),
        ex.export_table(board, aheaders),
        f"attainment-{by}-{period.key}",
        "attainment",
        display=ex.formatted(board, units, aheaders),
    )
else:
    st.info(tr("explore.team.no_targets"))

# -- one rep ----------------------------------------------------------------------------------
st.subheader(
    tr("explore.team.drill")
    if by == "rep"
    else tr("explore.team.drill_by", role=ex.escape(ex.role_name(by)))
)
members = list(board["member"])
if st.session_state.get("tm_member") not in members:
    st.session_state["tm_member"] = members[0]
member = st.selectbox(ex.role_name(by), members, key="tm_member")
detail = session_cached(
    "rep_detail", lambda: team.rep_detail(board, member, eng, by, L), by, period.key, member
)
if detail is None:
    ex.no_data()
    st.stop()
if detail.rank is not None:
    st.markdown(
        f"**{ex.escape(member)}** — {tr('explore.team.rank', rank=detail.rank, of=detail.of)}"
    )
k = detail.kpis
if len(k):
    cols = st.columns(min(4, len(k)))
    for i, row in enumerate(k.itertuples()):
        cols[i % len(cols)].metric(
            row.label,
            ex.fmt(row.value, row.unit),
            delta=tr("explore.team.vs_team", median=ex.fmt(row.team_median, row.unit)),
            delta_color="off",
            delta_arrow="off",
        )
    helps = [r.label for r in k.itertuples() if r.flag == "help"]
    strengths = [r.label for r in k.itertuples() if r.flag == "strong"]
    if helps:
        st.warning(tr("explore.team.helps", items=", ".join(helps)), icon=":material/support:")
    if strengths:
        st.success(tr("explore.team.strengths", items=", ".join(strengths)), icon=":material/star:")
if len(detail.monthly):
    mheaders = {
        "label": tr("explore.col.period"),
        "revenue": tr("explore.col.revenue"),
        "target": tr("explore.col.target"),
    }
    ex.show_chart(
        charts.monthly_target_chart(
            detail.monthly, lang=L, currency=CUR, title=tr("explore.team.monthly")
        ),
        ex.export_table(detail.monthly, mheaders),
        f"monthly-{member}",
        "rep_monthly",
        display=ex.formatted(detail.monthly, {"revenue": "money", "target": "money"}, mheaders),
    )
