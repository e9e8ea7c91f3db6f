"""A user in a real browser reads the demo company's recurring revenue: the MRR waterfall of
December 2025 in French, then in English, with the table behind it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import nav, shot, wait_idle

pytestmark = pytest.mark.e2e


def _open_table(page) -> str:  # noqa: ANN001
    """Open the waterfall's data table and return its text."""
    main = page.locator("[data-testid=stMain]")
    main.locator("[data-testid=stExpander]").first.click()
    wait_idle(page)
    grid = main.locator("[data-testid=stDataFrame]").first
    grid.wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    return grid.text_content() or ""  # the grid draws on a canvas; its cells are in an aria table


def test_mrr_waterfall_in_both_languages(page) -> None:  # noqa: ANN001
    page.get_by_role("button", name="Essayer avec les données de démonstration").click()
    page.get_by_text("8 tableaux de démonstration chargés").wait_for(timeout=90_000)
    wait_idle(page)

    nav(page, "Abonnements")
    main = page.locator("[data-testid=stMain]")
    main.get_by_text("Cascade du MRR — décembre 2025").wait_for(timeout=120_000)
    wait_idle(page, 120_000)
    main.locator("[data-testid=stVegaLiteChart]").nth(3).wait_for(timeout=60_000)
    assert main.locator("[data-testid=stVegaLiteChart]").count() == 4
    body = main.inner_text()
    assert "Traceback" not in body and "nan" not in body.split()
    assert "94\u202f937,80\xa0€" in body  # the MRR card
    table = _open_table(page)
    for label in ("MRR de début", "Nouveaux", "Réactivations", "Expansion", "Contraction",
                  "Churn", "MRR de fin"):  # fmt: skip
        assert label in table, label
    assert "90\u202f951,20\xa0€" in table and "94\u202f937,80\xa0€" in table
    shot(page, "subscriptions-fr")

    page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()
    wait_idle(page, 120_000)
    nav(page, "Subscriptions")
    main.get_by_text("MRR waterfall — December 2025").wait_for(timeout=120_000)
    wait_idle(page, 120_000)
    main.locator("[data-testid=stVegaLiteChart]").nth(3).wait_for(timeout=60_000)
    assert main.locator("[data-testid=stVegaLiteChart]").count() == 4
    assert "€94,937.80" in main.inner_text()
    table = _open_table(page)
    for label in ("Starting MRR", "New", "Reactivation", "Expansion", "Contraction", "Churn",
                  "Ending MRR"):  # fmt: skip
        assert label in table, label
    shot(page, "subscriptions-en")
