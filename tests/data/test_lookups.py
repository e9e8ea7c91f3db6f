"""Lookup tables: detection, coverage, joins, and a manager leaderboard on the real CRM files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

# Table, Engine, deal_outcomes and load_path come from the engine's current modules (re-pointed
# after the restructure).
from kpi import i18n
from kpi.data.dataset import Table
from kpi.data.loading import load_path
from kpi.data.lookups import find_lookups, join_lookups
from kpi.metrics import Engine, deal_outcomes
from tests.conftest import realdata


def tiny() -> dict[str, pd.DataFrame]:
    deals = pd.DataFrame(
        {
            "deal": ["d1", "d2", "d3", "d4", "d5", "d6"],
            "agent": ["Ana", "Ana", "Ben", "Cy", None, "Ben"],
            "value": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
        }
    )
    teams = pd.DataFrame(
        {"agent": ["Ana", "Ben", "Dee"], "manager": ["Mo", "Mo", "Lu"], "office": ["N", "N", "S"]}
    )
    return {"deals": deals, "teams": teams}


def test_a_lookup_is_found_with_its_coverage_and_unknown_keys():
    tables = tiny()
    [link] = find_lookups(tables)
    assert (link.lookup, link.key, link.fact, link.fact_key) == ("teams", "agent", "deals", "agent")
    # 5 rows have an agent; Ana ×2 and Ben ×2 are known, Cy is not; one row has no agent.
    assert (link.keyed_rows, link.matched_rows, link.empty_rows) == (5, 4, 1)
    assert link.coverage == pytest.approx(0.8)
    assert link.unmatched == ("Cy",) and link.unmatched_rows == 1
    assert link.attributes == ("manager", "office")
    texts = [m.text("en") for m in link.messages()]
    assert texts[0] == "teams adds to deals by “agent”: 4 of 5 row(s) found (80.0%)"
    assert "Cy" in texts[1] and "1 row(s) of deals have no “agent”" == texts[2]


def test_join_adds_attributes_without_touching_the_fact_table():
    tables = tiny()
    before = tables["deals"].copy()
    result = join_lookups(tables["deals"], find_lookups(tables), tables, {"rep": "agent"})
    pd.testing.assert_frame_equal(tables["deals"], before)
    df = result.df
    assert df["manager"].tolist()[0:3] == ["Mo", "Mo", "Mo"]
    assert df["manager"].isna().tolist() == [False, False, False, True, True, False]
    assert df["office"].tolist()[5] == "N"
    assert result.added == {"manager": ("teams", "manager"), "office": ("teams", "office")}
    assert result.roles == {"team": "manager"}  # "office" says no role; "rep" is taken
    assert len(df) == len(before) and list(df.columns[:3]) == list(before.columns)


def test_a_lookup_whose_keys_match_nothing_is_reported_not_joined():
    tables = tiny()
    tables["teams"] = tables["teams"].assign(agent=["Xavier", "Yann", "Zoé"])
    [link] = find_lookups(tables)
    assert not link.joinable and link.coverage == 0
    result = join_lookups(tables["deals"], [link], tables)
    assert list(result.df.columns) == list(tables["deals"].columns)
    assert [n.key for n in result.notes] == ["lookups.no_match"]
    assert result.notes[0].text("fr") == (
        "Aucune valeur de « agent » de deals ne se retrouve dans « agent » de teams : "
        "pas de jointure."
    )


def test_repeated_keys_are_not_a_lookup_and_unrelated_columns_do_not_link():
    tables = tiny()
    tables["teams"] = pd.concat([tables["teams"], tables["teams"].head(1)], ignore_index=True)
    assert find_lookups(tables) == []
    other = {"deals": tiny()["deals"], "prices": pd.DataFrame({"sku": ["a", "b"], "p": [1, 2]})}
    assert find_lookups(other) == []


def test_numeric_ids_written_as_floats_match_integers():
    orders = pd.DataFrame({"CustomerID": [17850.0, 17850.0, 13047.0, np.nan], "x": [1, 2, 3, 4]})
    customers = pd.DataFrame({"Customer": [17850, 13047, 12583], "segment": ["A", "B", "C"]})
    tables = {"orders": orders, "customers": customers}
    [link] = find_lookups(tables)
    assert (link.matched_rows, link.keyed_rows, link.empty_rows) == (3, 3, 1)
    df = join_lookups(orders, [link], tables).df
    assert df["segment"].tolist()[:3] == ["A", "A", "B"] and pd.isna(df["segment"].iloc[3])


def test_a_clashing_attribute_name_is_suffixed_with_its_table():
    tables = tiny()
    tables["deals"] = tables["deals"].assign(office="HQ")
    result = join_lookups(tables["deals"], find_lookups(tables), tables)
    assert "office (teams)" in result.df.columns and result.df["office"].eq("HQ").all()


@pytest.mark.realdata
def test_crm_files_give_a_manager_leaderboard_equal_to_a_plain_merge():
    folder = "crm_sales_opportunities"
    loaded = {
        name: load_path(realdata(f"{folder}/{name}.csv"))
        for name in ("sales_pipeline", "accounts", "products", "sales_teams", "data_dictionary")
    }
    tables = {name: t.df for name, t in loaded.items()}
    links = find_lookups(tables)
    found = {(lk.lookup, lk.key, lk.fact, lk.fact_key): lk for lk in links}
    assert set(found) == {
        ("accounts", "account", "sales_pipeline", "account"),
        ("products", "product", "sales_pipeline", "product"),
        ("sales_teams", "sales_agent", "sales_pipeline", "sales_agent"),
    }
    teams = found[("sales_teams", "sales_agent", "sales_pipeline", "sales_agent")]
    assert teams.coverage == 1.0
    accounts = found[("accounts", "account", "sales_pipeline", "account")]
    assert (accounts.coverage, accounts.empty_rows) == (1.0, 1425)
    products = found[("products", "product", "sales_pipeline", "product")]
    assert products.unmatched == ("GTXPro",) and products.unmatched_rows == 1480
    assert products.coverage == pytest.approx(7320 / 8800)

    pipeline = loaded["sales_pipeline"]
    result = join_lookups(pipeline.df, links, tables, pipeline.mapping)
    assert result.roles["team"] == "manager" and result.roles["region"] == "regional_office"
    assert result.roles["segment"] == "sector" and result.roles["category"] == "series"
    table = Table("sales_pipeline.csv", result.df, "deals", {**pipeline.mapping, **result.roles})

    # Independently: a plain pandas merge of the raw files.
    raw = pd.read_csv(realdata(f"{folder}/sales_pipeline.csv"))
    raw = raw.merge(pd.read_csv(realdata(f"{folder}/sales_teams.csv")), on="sales_agent")
    won, lost = raw["deal_stage"].eq("Won"), raw["deal_stage"].eq("Lost")
    expected_rate = won.groupby(raw["manager"]).sum() / (won | lost).groupby(raw["manager"]).sum()
    expected_revenue = raw["close_value"].where(won, 0).groupby(raw["manager"]).sum()

    board = Engine([table]).breakdown("win_rate", "team").set_index("team")["value"]
    assert set(board.index) == set(expected_rate.index) and len(board) == 6
    for manager, rate in expected_rate.items():
        assert board[manager] == pytest.approx(rate)
    outcome = deal_outcomes(table)
    # Joined text columns are categoricals (the lookup's few values, not 8,800 strings).
    assert isinstance(result.df["manager"].dtype, pd.CategoricalDtype)
    manager = pd.Series(np.asarray(result.df["manager"], dtype=object), index=result.df.index)
    revenue = result.df["close_value"].where(outcome.eq("won"), 0).groupby(manager).sum()
    pd.testing.assert_series_equal(
        revenue.sort_index(), expected_revenue.sort_index().astype(float), check_names=False
    )
    assert revenue.sum() == 10_005_534  # KPI_SPEC.md's won value


def test_messages_exist_in_both_languages():
    for key in ("lookups.link", "lookups.unmatched", "lookups.empty_keys", "lookups.no_match"):
        texts = i18n.messages()[key]
        assert texts["fr"] and texts["en"]
