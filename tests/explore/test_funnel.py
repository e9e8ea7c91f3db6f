"""Funnel: stage reach and conversion by hand, groups, pipeline, leads and sources; the CRM
opportunities reference figures."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.data import Table, load_table, sample_files
from kpi.explore import funnel
from kpi.metrics import ALL, Engine, parse_period
from tests.conftest import realdata


def deals() -> Table:
    rows = [
        # id, stage, source, rep, amount, prob, created, closed
        ("D1", "Prospecting", "Web", "Ana", 100.0, 10, "2024-01-01", None),
        ("D2", "Qualification", "Web", "Ana", 200.0, 20, "2024-01-02", None),
        ("D3", "Proposal", "Salon", "Léo", 300.0, 40, "2024-01-03", None),
        ("D4", "Closed Won", "Web", "Ana", 1000.0, 100, "2024-01-01", "2024-01-31"),
        ("D5", "Closed Won", "Salon", "Léo", 3000.0, 100, "2024-01-10", "2024-03-10"),
        ("D6", "Closed Lost", "Web", "Léo", 500.0, 0, "2024-01-05", "2024-02-01"),
        ("D7", "Closed Lost", "Web", "Ana", 700.0, 0, "2024-01-06", "2024-02-03"),
    ]
    df = pd.DataFrame(
        rows, columns=["id", "stage", "source", "rep", "amount", "prob", "created", "closed"]
    )
    for c in ("created", "closed"):
        df[c] = pd.to_datetime(df[c])
    mapping = {"opportunity_id": "id", "stage": "stage", "source": "source", "rep": "rep",
               "amount": "amount", "probability": "prob", "created_date": "created",
               "close_date": "closed"}  # fmt: skip
    return Table("deals", df, "deals", mapping)


def leads_and_spend() -> list[Table]:
    leads = pd.DataFrame(
        {
            "id": ["L1", "L2", "L3", "L4", "L5", "L6"],
            "created": pd.to_datetime(["2024-01-05"] * 6),
            "source": ["Web", "Web", "web ", "Web", "Salon", "Salon"],
            "converted": ["Oui", "Non", "Non", None, "Oui", "Oui"],
        }
    )
    spend = pd.DataFrame(
        {
            "month": pd.to_datetime(["2024-01-01", "2024-01-01"]),
            "channel": ["Web", "Salon"],
            "spend": [300.0, 100.0],
        }
    )
    return [
        Table("leads", leads, "leads", {"lead_id": "id", "created_date": "created",
                                         "source": "source", "converted": "converted"}),
        Table("spend", spend, "spend", {"date": "month", "channel": "channel", "spend": "spend"}),
    ]  # fmt: skip


def test_stage_order_and_reach_by_hand() -> None:
    t = deals()
    assert funnel.infer_stage_order(t) == ["Prospecting", "Qualification", "Proposal"]
    f = funnel.funnel(Engine([t]), lang="en")
    # Reach: a deal reached every stage up to its own; won deals (D4, D5) reached all of them;
    # lost deals (D6, D7) with no stage date and no stage count at the first stage only.
    # Prospecting: all 7; Qualification: D2, D3, D4, D5 = 4; Proposal: D3, D4, D5 = 3; Won: 2.
    assert f["stage"].tolist() == ["Prospecting", "Qualification", "Proposal", "Won"]
    assert f["reached"].tolist() == [7, 4, 3, 2]
    assert f["conversion"].tolist()[1:] == pytest.approx([4 / 7, 3 / 4, 2 / 3])
    assert f["overall"].tolist() == pytest.approx([1, 4 / 7, 3 / 7, 2 / 7])
    assert f["drop_off"].tolist() == [0, 3, 1, 1]
    # an edited order is followed
    edited = funnel.funnel(Engine([t], stage_order=["Qualification", "Prospecting", "Proposal"]))
    assert edited["stage"].tolist()[:3] == ["Qualification", "Prospecting", "Proposal"]


def test_lost_deals_reach_the_last_stage_they_are_known_to_have_reached() -> None:
    t = deals()
    df = t.df.copy()
    # stage dates: D6 was qualified (then lost), D7 has no date at all; the open and won deals
    # have the dates of the stages they passed
    df["Qualification date"] = pd.to_datetime(
        [None, "2024-01-05", "2024-01-06", "2024-01-04", "2024-01-12", "2024-01-09", None]
    )
    df["Date de proposition"] = pd.to_datetime(
        [None, None, "2024-01-08", "2024-01-10", "2024-01-20", None, None]
    )
    dated = Table("deals", df, "deals", t.mapping)
    eng = Engine([dated])
    f = funnel.funnel(eng, lang="en")
    # D6 now reached Qualification: Prospecting 7, Qualification 5 (D2, D3, D4, D5, D6),
    # Proposal 3, Won 2. D7 (no date, stage "Closed Lost") stays at the first stage.
    assert f["reached"].tolist() == [7, 5, 3, 2]
    v = eng.value("stage_conversion")
    assert v.detail["stage_dates"] == {
        "Qualification": "Qualification date",
        "Proposal": "Date de proposition",
    }
    assert v.detail["lost_at"] == {"stage_dates": 1, "lost_stage": 0, "first_stage": 1}
    note = funnel.lost_deals_note(eng, lang="en")
    assert "(Qualification ← Qualification date, Proposal ← Date de proposition): 1." in note
    assert "counted at the first stage: 1." in note
    # Without stage dates, the stage recorded with the loss: D6 lost at Proposal (a lost flag
    # next to its stage), D7's stage only says lost → the first stage
    df2 = t.df.copy()
    df2["stage"] = df2["stage"].replace({"Closed Lost": "Proposal"})
    df2.loc[df2["id"] == "D7", "stage"] = "Closed Lost"
    df2["won"] = ["", "", "", "Yes", "Yes", "No", "No"]
    flagged = Table("deals", df2, "deals", {**t.mapping, "won": "won"})
    v = Engine([flagged]).value("stage_conversion")
    # Prospecting 7; Qualification D2, D3, D4, D5, D6 = 5; Proposal D3, D4, D5, D6 = 4; Won 2
    assert v.detail["reached"] == [7, 5, 4, 2]
    assert v.detail["lost_at"] == {"stage_dates": 0, "lost_stage": 1, "first_stage": 1}
    assert "recorded with the loss: 1." in funnel.lost_deals_note(Engine([flagged]), lang="en")
    # Neither: the note says the export does not tell
    plain = funnel.lost_deals_note(Engine([t]), lang="fr")
    assert plain.startswith("Les 2 affaires perdues sont comptées à la première étape")
    assert Engine([t]).value("stage_conversion").detail["stage_dates"] == {}


def test_unknown_stage_names_are_ordered_by_probability() -> None:
    t = deals()
    df = t.df.copy()
    df["stage"] = df["stage"].replace(
        {"Prospecting": "Étape Z", "Qualification": "Étape A", "Proposal": "Étape M"}
    )
    t2 = Table("d", df, "deals", t.mapping)
    # medians of probability: Z 10, A 20, M 40 → Z, A, M (not alphabetical, not appearance)
    assert funnel.infer_stage_order(t2) == ["Étape Z", "Étape A", "Étape M"]


def test_groups_by_hand() -> None:
    g = funnel.by_group(Engine([deals()]), "source")
    web = g[g["segment"] == "Web"].iloc[0]
    salon = g[g["segment"] == "Salon"].iloc[0]
    # Web: won D4, lost D6 and D7 → 1/3; cycle of D4 = 30 days; deal size 1000
    assert (web["won"], web["lost"]) == (1, 2)
    assert web["win_rate"] == pytest.approx(1 / 3)
    assert web["cycle_days"] == pytest.approx(30.0)
    assert web["avg_deal_size"] == pytest.approx(1000.0)
    # Salon: won D5 (60 days, 3000), nothing lost
    assert salon["win_rate"] == pytest.approx(1.0) and salon["cycle_days"] == pytest.approx(60.0)
    assert g["segment"].tolist() == ["Web", "Salon"]  # most closed deals first
    assert funnel.by_group(Engine([deals()]), "segment").empty  # no such column


def test_pipeline_by_hand() -> None:
    p = funnel.pipeline(Engine([deals()]))
    # open deals D1–D3: 100 + 200 + 300; weighted by the probability column: 10 + 40 + 120
    assert p.values["pipeline_value"].value == 600.0
    assert p.values["weighted_pipeline"].value == pytest.approx(170.0)
    assert p.open_deals == 3
    assert p.by_stage["stage"].tolist() == ["Prospecting", "Qualification", "Proposal"]
    assert p.by_stage["amount"].tolist() == [100.0, 200.0, 300.0]
    # velocity = open × win rate × deal size / cycle = 3 × 2/4 × 2000 / 45
    assert p.values["sales_velocity"].value == pytest.approx(3 * 0.5 * 2000 / 45)


def test_lead_funnel_and_sources_by_hand() -> None:
    tables = leads_and_spend()
    lf = funnel.lead_funnel(Engine(tables), lang="en")
    # 6 leads; L4 is still open (explicit "Non" elsewhere), so 5 have an outcome; 3 converted
    assert lf["stage"].tolist() == ["Leads created", "Leads with an outcome", "Converted"]
    assert lf["reached"].tolist() == [6, 5, 3]
    src = funnel.lead_sources(Engine(tables)).set_index("source")
    # "web " is the same source as "Web" (spaces and case do not split a source)
    assert src.loc["Web", "leads"] == 4 and src.loc["Salon", "leads"] == 2
    assert src.loc["Web", "conversion"] == pytest.approx(1 / 3)  # L1 of L1–L3 (L4 open)
    assert src.loc["Salon", "conversion"] == pytest.approx(1.0)
    assert src.loc["Web", "cost_per_lead"] == pytest.approx(300 / 4)
    assert src.loc["Salon", "cost_per_lead"] == pytest.approx(100 / 2)
    assert "revenue" not in src.columns  # no name-based join of lead sources to orders


def test_empty_and_missing_tables() -> None:
    assert funnel.funnel(Engine([])).empty
    assert funnel.pipeline(Engine([])) is None
    assert funnel.lead_funnel(Engine([deals()])).empty
    assert funnel.lead_sources(Engine([deals()])).empty
    assert funnel.funnel(Engine([deals()]), period=parse_period("2030-01")).empty


def test_sample_data_reference_figures() -> None:
    tables = [load_table(p.read_bytes(), p.name) for p in sample_files(".csv")]
    p = funnel.pipeline(Engine(tables))
    # sample_data/README.md: won / lost 936 / 957, pipeline 3,560,800 €, weighted 1,088,829 €
    assert p.values["win_rate"].detail["won"] == 936
    assert p.values["win_rate"].detail["lost"] == 957
    assert p.values["pipeline_value"].value == pytest.approx(3_560_800)
    assert p.values["weighted_pipeline"].value == pytest.approx(1_088_829, abs=1)
    f = funnel.funnel(Engine(tables))
    assert f["reached"].iloc[0] == 2109 and f["reached"].iloc[-1] == 936
    g = funnel.by_group(Engine(tables), "source", period=parse_period("2025"))
    assert g["won"].sum() + g["lost"].sum() == pytest.approx(
        p.values["win_rate"].detail["won"] + p.values["win_rate"].detail["lost"], rel=0.6
    )
    src = funnel.lead_sources(Engine(tables))
    assert src["leads"].sum() == 4124
    # Orders sold through a "Web" channel are not revenue of the "Web" lead source: no column.
    assert "revenue" not in src.columns
    # marketing spend covers the web and trade shows; the sales channels have no cost per lead
    paid = src["source"].isin(["Web", "Salon"])
    assert src.loc[paid, "cost_per_lead"].notna().all()
    assert src.loc[~paid, "cost_per_lead"].isna().all()


@pytest.mark.realdata
def test_crm_opportunities_reference() -> None:
    path = realdata("crm_sales_opportunities/sales_pipeline.csv")
    t = load_table(path.read_bytes(), path.name)
    p = funnel.pipeline(Engine([t]), period=ALL)
    # KPI_SPEC.md: won 4,238, lost 2,473, mean won cycle 51.78 days, avg won deal 2,360.91
    assert p.values["win_rate"].detail == {"won": 4238, "lost": 2473}
    assert p.values["sales_cycle_days"].value == pytest.approx(51.78, abs=0.005)
    assert p.values["avg_deal_size"].value == pytest.approx(2360.91, abs=0.005)
    f = funnel.funnel(Engine([t]), lang="en")
    # Prospecting (every deal) → Engaging (1,589 engaging + 4,238 won) → Won
    assert f["stage"].tolist() == ["Prospecting", "Engaging", "Won"]
    # Prospecting (every deal) → Engaging: 1,589 engaging + 4,238 won + the 2,473 lost deals,
    # which all have an engage date (they were lost after engaging, not at the first stage)
    assert f["reached"].tolist() == [8800, 8300, 4238]
    v = Engine([t]).value("stage_conversion")
    assert v.detail["stage_dates"] == {"Engaging": "engage_date"}
    assert v.detail["lost_at"] == {"stage_dates": 2473, "lost_stage": 0, "first_stage": 0}
    assert v.detail["steps"][1]["rate"] == pytest.approx(4238 / 8300)
    note = funnel.lost_deals_note(Engine([t]), lang="en")
    assert (
        note == "Lost deals placed at the last stage their stage dates show (Engaging ← "
        "engage_date): 2,473."
    )
    assert funnel.lost_deals_note(Engine([t]), lang="fr").endswith(
        "(Engaging ← engage_date) : 2\u202f473."
    )
    assert len(funnel.by_group(Engine([t]), "rep")) == 25  # the 25 with the most closed deals
    g = funnel.by_group(Engine([t]), "rep", limit=100)
    assert len(g) == 30 and g["won"].sum() == 4238 and g["lost"].sum() == 2473
