"""The catalogue checks itself: ids, both languages, roles, objectives, suggestions."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pandas as pd
import pytest

from kpi import i18n, metrics
from kpi.data import KINDS, ROLE_IDS, Table
from kpi.errors import PiloteError
from kpi.metrics import (
    AGGREGATIONS,
    CATALOGUE,
    FAMILIES,
    KPI_IDS,
    OBJECTIVE_IDS,
    OBJECTIVES,
    UNITS,
    Text,
    availability,
    clause_label,
    computable_kpis,
    get_kpi,
    get_objective,
    kpis_for,
    suggest,
)
from kpi.metrics.formulas import FORMULAS, formula, get_formula
from tests.conftest import ROOT

SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "KPI_SPEC.md"
FORMULAS_DIR = ROOT / "kpi" / "metrics" / "formulas"

OBJECTIVES_EXPECTED = (
    "grow_revenue", "win_customers", "keep_customers", "profitability", "team_performance",
    "leads_marketing", "satisfaction", "shorter_cycle", "recurring_revenue",
)  # fmt: skip


def _texts(kpi: object) -> list[Text]:
    fields = [getattr(kpi, name) for name in ("label", "description", "formula", "reading")]
    fields += [s.why for s in kpi.serves]  # type: ignore[attr-defined]
    if kpi.suffix is not None:  # type: ignore[attr-defined]
        fields.append(kpi.suffix)  # type: ignore[attr-defined]
    return fields


def test_ids_unique() -> None:
    assert len(KPI_IDS) == len(set(KPI_IDS))
    assert all(re.fullmatch(r"[a-z][a-z_]*", k) for k in KPI_IDS)


@pytest.mark.skipif(not SPEC.is_file(), reason=f"{SPEC} is absent")
def test_ids_match_the_spec_file() -> None:
    ids = set()
    text = SPEC.read_text(encoding="utf-8").split("## Reference values")[0]
    for line in text.splitlines():
        m = re.match(r"^\|\s*([a-z_]+)(?:\s*\(by dimension\))?\s*\|", line)
        if m and m.group(1) not in ("id", "file"):
            ids.add(m.group(1))
    assert ids == {k.id for k in CATALOGUE if k.spec}


def test_kpis_outside_the_spec_are_defined_in_the_readme() -> None:
    # A KPI added since KPI_SPEC.md has its definition in the README's "Choices".
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    choices = readme.split("## Choices")[1].split("\n## ")[0]
    for kpi in CATALOGUE:
        if not kpi.spec:
            assert f"`{kpi.id}`" in choices, kpi.id


def test_every_text_in_both_languages() -> None:
    for kpi in CATALOGUE:
        for text in _texts(kpi):
            assert text.fr.strip() and text.en.strip(), kpi.id
            assert text("fr") == text.fr and text("en") == text.en
        assert kpi.formula.fr != kpi.formula.en or kpi.id in ("aov",), kpi.id
    for obj in OBJECTIVES:
        for text in (obj.label, obj.description):
            assert text.fr.strip() and text.en.strip(), obj.id


def test_every_formula_present() -> None:
    for kpi in CATALOGUE:
        assert len(kpi.formula.fr) > 5 and len(kpi.formula.en) > 5, kpi.id


def test_fields_are_valid() -> None:
    for kpi in CATALOGUE:
        assert kpi.unit in UNITS, kpi.id
        assert kpi.family in FAMILIES, kpi.id
        assert kpi.higher_is_better in (True, False, None), kpi.id
        assert kpi.needs, kpi.id
        for need in kpi.needs:
            assert need.kind in (*KINDS, "any"), kpi.id
            for role in need.role_ids():
                assert role in ROLE_IDS, (kpi.id, role)
        objectives = [s.objective for s in kpi.serves]
        assert len(objectives) == len(set(objectives)), kpi.id
        for serve in kpi.serves:
            assert serve.objective in OBJECTIVE_IDS, kpi.id
            assert serve.weight in (1, 2, 3), kpi.id


def test_objectives() -> None:
    assert OBJECTIVE_IDS == OBJECTIVES_EXPECTED
    for obj in OBJECTIVE_IDS:
        kpis = kpis_for([obj])
        assert kpis, obj
        assert any(k.weight(obj) == 3 for k in kpis), obj  # each has a headline KPI
    assert kpis_for(["profitability"])[0].id == "gross_margin"
    assert len(kpis_for(None)) == len(CATALOGUE)


def test_every_kpi_has_exactly_one_formula_and_every_formula_a_record() -> None:
    assert set(FORMULAS) == set(KPI_IDS)
    sources = {p: p.read_text(encoding="utf-8") for p in FORMULAS_DIR.glob("*.py")}
    for kpi in CATALOGUE:
        fn = get_formula(kpi.id)
        # registered where a search for the id finds it: in its family's module, once
        decorator = re.compile(rf'^@formula\("{kpi.id}"\)$', re.M)
        where = {p.name: len(decorator.findall(text)) for p, text in sources.items()}
        assert {name: n for name, n in where.items() if n} == {f"{kpi.family}.py": 1}, kpi.id
        assert fn.__module__ == f"kpi.metrics.formulas.{kpi.family}", kpi.id
        # (engine, period, one table per need of the record)
        assert len(inspect.signature(fn).parameters) == 2 + len(kpi.needs), kpi.id


def test_a_second_formula_or_an_unknown_id_is_refused() -> None:
    with pytest.raises(ValueError, match="already has a formula"):
        formula("revenue")(lambda engine, period, orders: None)
    with pytest.raises(PiloteError):
        formula("no_such_kpi")
    assert get_formula("revenue").__name__ == "revenue"
    with pytest.raises(LookupError):
        get_formula("no_such_kpi")


def test_record_fields_that_replace_id_lists() -> None:
    by_id = {k.id: k for k in CATALOGUE}
    assert {k.id for k in CATALOGUE if k.snapshot} == {"pipeline_value", "weighted_pipeline"}
    assert [k.id for k in CATALOGUE if k.target_from_table] == ["revenue"]
    for kpi in CATALOGUE:
        if kpi.measure is not None:
            assert kpi.measure.agg in AGGREGATIONS, kpi.id
            assert kpi.needs[0].kind in ("orders", "deals", "leads"), kpi.id
        if kpi.snapshot:
            assert not kpi.accumulates and kpi.measure is None, kpi.id
    assert by_id["revenue"].measure is not None and by_id["revenue"].measure.additive
    assert by_id["win_rate"].measure is not None and not by_id["win_rate"].measure.additive


def test_unknown_ids_list_the_valid_ones() -> None:
    with pytest.raises(PiloteError) as err:
        get_objective("growth")
    assert "grow_revenue" in str(err.value) and "shorter_cycle" in str(err.value)
    assert "Objectif « growth » inconnu" in err.value.message("fr")
    with pytest.raises(PiloteError) as err:
        get_kpi("ca")
    assert "revenue" in str(err.value)


def test_messages_registered_in_both_languages() -> None:
    for key, texts in i18n.messages().items():
        if key.split(".")[0] in ("catalogue", "compute", "periods"):
            assert texts["fr"].strip() and texts["en"].strip(), key


def _orders(mapping: dict[str, str]) -> Table:
    df = pd.DataFrame(
        {
            "Date": pd.to_datetime(["2024-01-02"]),
            "Montant": [10.0],
            "Client": ["C1"],
            "Coût": [4.0],
        }
    )
    return Table("ventes.csv", df, "orders", mapping)


def test_availability_and_unlock_texts() -> None:
    orders = _orders({"date": "Date", "amount": "Montant", "customer_id": "Client"})
    margin = availability("gross_margin", [orders])
    assert not margin.computable
    assert margin.unlock("en") == "Map a Cost (or Profit / margin) column to unlock “Gross margin”."
    assert margin.unlock("fr") == (
        "Associez une colonne Coût (ou Marge / profit) pour débloquer « Marge brute »."
    )
    cac = availability("cac", [orders])
    assert cac.unlock("en") == "Load a marketing spend table to unlock “Customer acquisition cost”."
    assert cac.unlock("fr") == (
        "Chargez une table de dépenses marketing pour débloquer « Coût d'acquisition client "
        "(CAC) »."
    )
    win = availability("win_rate", [])
    assert "d'opportunités" in (win.unlock("fr") or "")
    assert availability("nps", []).unlock("en") == (
        "Load a satisfaction survey table to unlock “Net Promoter Score”."
    )
    full = _orders({"date": "Date", "amount": "Montant", "customer_id": "Client", "cost": "Coût"})
    assert availability("gross_margin", [full]).computable
    assert availability("gross_margin", [full]).tables == ("ventes.csv",)
    assert clause_label("amount|quantity+unit_price", "en") == "Amount (or Quantity + Unit price)"


def test_suggest_ranks_and_explains() -> None:
    orders = _orders({"date": "Date", "amount": "Montant", "customer_id": "Client"})
    out = suggest(["profitability", "win_customers"], [orders])
    ids = [s.kpi.id for s in out]
    assert len(ids) == len(set(ids))
    computable = [s for s in out if s.computable]
    assert computable and all(s.computable for s in out[: len(computable)])  # computable first
    assert computable[0].kpi.id == "new_customers"  # weight 3 for win_customers
    cac = next(s for s in out if s.kpi.id == "cac")
    assert cac.score == 5 and cac.objectives == ("win_customers", "profitability")
    assert cac.why("en").startswith("Win new customers: ")
    assert "Améliorer la rentabilité : " in cac.why("fr")
    assert cac.unlock("en") is not None and computable[0].unlock("en") is None
    assert {s.kpi.id for s in suggest(None, [])} == set(KPI_IDS)
    with pytest.raises(PiloteError):
        suggest(["nope"], [])


def test_kpi_format() -> None:
    assert get_kpi("revenue").format(1234.5, "en", "EUR") == "€1,234.50"
    assert get_kpi("win_rate").format(0.6315, "fr") == "63,2\u00a0%"
    assert get_kpi("sales_velocity").format(10, "fr", "EUR").endswith("/ jour")
    assert get_kpi("aov").format(None, "fr") == "–"


# ---------------------------------------------------------------------------------------------
# Every KPI computes on the demo data (sample_data/, read by the loader as a user would)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_tables() -> list[Table]:
    from kpi.data import load_path, sample_files

    files = sample_files(".csv")
    if not files:
        pytest.skip("no demo data in sample_data/ (run `make samples`)")
    return [load_path(path) for path in files]


def test_every_kpi_computes_on_the_demo_data(demo_tables: list[Table]) -> None:
    # Every KPI of KPI_SPEC.md computes on the demo data. A KPI added since may need a column
    # the demo files do not have (a discount rate): it then has a test file of its own.
    demo_roles = {r for t in demo_tables for r in t.mapping}
    beyond = set()
    for kpi in CATALOGUE:
        clauses = [c for need in kpi.needs for c in need.clauses()]
        if any(not any(set(alt) <= demo_roles for alt in clause) for clause in clauses):
            beyond.add(kpi.id)
    for kpi_id in beyond:
        assert not get_kpi(kpi_id).spec, kpi_id
        own = [p for p in (ROOT / "tests" / "metrics").glob("test_*.py") if kpi_id in p.name]
        assert own and f'"{kpi_id}"' in own[0].read_text(encoding="utf-8"), kpi_id
    assert {k.id for k in computable_kpis(demo_tables)} == set(KPI_IDS) - beyond
    engine = metrics.Engine(demo_tables)
    # Pacing is for a period in progress: "today" is 15 August 2025 for it.
    midway = metrics.Engine(demo_tables, as_of="2025-08-15")
    for kpi in CATALOGUE:
        if kpi.id in beyond:
            continue
        # pacing's "today" is in the third quarter; the CLV needs a full year before the fourth
        quarter = "2025-Q3" if kpi.id == "pacing" else "2025-Q4"
        for period in ("2025", quarter):
            value = (midway if kpi.id == "pacing" else engine).value(kpi.id, period)
            assert value.status == "ok", (kpi.id, period, value.reason_text("en"))
            assert value.value is not None
    # The demo data starts in January 2024: a CLV ending before December 2025 compares with a
    # year holding less than 11 months of data, so it is undefined, with its reason.
    short = engine.value("clv", "2025-Q3")
    assert short.value is None and short.reason == "compute.reason.clv_short_history"


def test_demo_data_sanity(demo_tables: list[Table]) -> None:
    engine = metrics.Engine(demo_tables)
    assert 0 < (engine.value("win_rate", "2025").value or 0) < 1
    # The demo story hides a warehouse closure in March 2025 in one region: some region's
    # orders must raise a drop and an anomaly alert that month.
    found = set()
    for region in metrics.filter_options(demo_tables, "region"):
        regional = metrics.Engine(demo_tables, filters={"region": [region]})
        series = regional.series("orders")
        series = series[series["period"] <= "2025-03"]
        out = metrics.alerts([regional.result("orders", "2025-03")], {"orders": series})
        found |= {(a.kind, a.direction) for a in out}
        if metrics.anomaly(series["value"].to_numpy()) == -1:
            found.add(("anomaly", "down"))
    assert {("drop", "down"), ("anomaly", "down")} <= found
    # A region filter cannot be applied to targets set per rep: no misleading attainment.
    regional = metrics.Engine(demo_tables, filters={"region": ["Île-de-France"]})
    assert regional.value("attainment", "2025-03").reason == "compute.reason.targets_not_by"
    assert regional.result("revenue", "2025-03").target is None
    assert engine.result("revenue", "2025-03").target is not None


def test_headline_change_kind_and_partial_basis_are_fields_of_the_records() -> None:
    heads = sorted((k for k in CATALOGUE if k.headline is not None), key=lambda k: k.headline)
    assert [k.id for k in heads] == [
        "revenue", "orders", "aov", "customers", "gross_margin_pct",
        "win_rate", "pipeline_value", "avg_deal_size", "sales_cycle_days",
        "lead_conversion_rate",
    ]  # fmt: skip
    assert len({k.headline for k in heads}) == len(heads)  # ranks are unique
    # KPI_SPEC: rates, shares, margins % and scores change in points; amounts and counts in %.
    for kpi in CATALOGUE:
        expected = "points" if kpi.unit in ("percent", "score") else "relative"
        assert kpi.change_kind == expected, kpi.id
        assert kpi.partial_basis in metrics.catalogue.PARTIAL_BASES, kpi.id
        assert kpi.fact in KPI_IDS, kpi.id
    nps = get_kpi("nps")  # a score on -100..100: "down 15.5 pts", never "down 68.1 %"
    assert nps.format_change(nps.change_between(7.2, 22.6), "fr") == "-15,4 pts"
    win = get_kpi("win_rate")
    assert win.change_between(0.55, 0.43) == pytest.approx(12.0)
    new = get_kpi("new_customers")  # 41 against 321 is -87.2 %
    assert new.format_change(new.change_between(41, 321), "fr") == "-87,2\u00a0%"
    # Distinct customers are never projected linearly; sums and counts of events are.
    assert {get_kpi(k).partial_basis for k in ("customers", "new_customers")} == {"wait"}
    assert {get_kpi(k).partial_basis for k in ("revenue", "orders", "units_sold")} == {"project"}
    assert get_kpi("aov").partial_basis == "as_is"
    assert get_kpi("churn_rate").fact == "retention_rate"


def test_default_kpis_are_the_headlines_of_what_is_loaded(demo_tables: list[Table]) -> None:
    orders = next(t for t in demo_tables if t.kind == "orders")
    deals = next(t for t in demo_tables if t.kind == "deals")
    assert metrics.default_kpis(None, [orders])[:5] == [
        "revenue", "orders", "aov", "customers", "gross_margin_pct",
    ]  # fmt: skip
    ids = metrics.default_kpis(None, demo_tables)
    assert ids == [k.id for k in sorted(
        (k for k in CATALOGUE if k.headline is not None), key=lambda k: k.headline)]  # fmt: skip
    # Deals alone: their headlines first, then the rest, one KPI per fact.
    only_deals = metrics.default_kpis(None, [deals])
    assert only_deals[:4] == ["win_rate", "pipeline_value", "avg_deal_size", "sales_cycle_days"]
    assert len(only_deals) == 8
    # Without a cost column the margin is not a headline it can give; churn never sits beside
    # retention, nor revenue growth beside revenue.
    no_cost = orders.with_mapping({r: c for r, c in orders.mapping.items() if r != "cost"})
    picked = metrics.default_kpis(None, [no_cost])
    assert picked[0] == "revenue" and "gross_margin_pct" not in picked
    assert not {"churn_rate", "retention_rate"} <= set(picked)
    assert "revenue_growth" not in picked
    # An objective ticks its headline KPIs first: revenue, then orders, for growing revenue.
    grow = metrics.default_kpis(["grow_revenue"], demo_tables)
    assert grow[:3] == ["revenue", "orders", "aov"]
