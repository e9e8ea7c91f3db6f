"""Tools' exports in a real browser: a Pipedrive-shaped and a Shopify-shaped export uploaded
together are recognised ("Reconnu : Pipedrive — export des affaires (EN)"), and the dashboard
shows the win rate from Pipedrive's status column and the orders Shopify counts — FR and EN."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import as_shown, nav, pick, shot, wait_idle

pytestmark = pytest.mark.e2e

FIXTURES = ROOT / "tests" / "fixtures" / "sources"
TEXT = {
    "fr": {
        "pipedrive": "Reconnu : Pipedrive — export des affaires (EN)",
        "shopify": "Reconnu : Shopify — export des commandes (EN)",
        "semantics": "champs de commande recopiés depuis la première ligne de chaque commande",
        "check": "Tableau à vérifier",
        "dashboard": "Tableau de bord",
        "all": "Tout",
        "win_rate": "Taux de transformation",
        "win_value": "50,0\u00a0%",
        "objectives": "Objectifs",
        "grow": "Faire croître le chiffre d'affaires",
        "orders": "Commandes",
    },
    "en": {
        "pipedrive": "Recognised as: Pipedrive — deals export (EN)",
        "shopify": "Recognised as: Shopify — orders export (EN)",
        "semantics": "order fields filled down from the first line of each order",
        "check": "Table to check",
        "dashboard": "Dashboard",
        "all": "All",
        "win_rate": "Win rate",
        "win_value": "50.0%",
        "objectives": "Objectives",
        "grow": "Grow revenue",
        "orders": "Orders",
    },
}


def metric(page, label: str) -> str:  # noqa: ANN001
    card = page.locator("[data-testid=stMetric]").filter(
        has=page.locator("[data-testid=stMetricLabel]", has_text=label)
    )
    return card.first.locator("[data-testid=stMetricValue]").inner_text()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pipedrive_and_shopify_exports_are_recognised(page, lang: str) -> None:  # noqa: ANN001
    t = TEXT[lang]
    sidebar = page.locator("[data-testid=stSidebar]")
    main = page.locator("[data-testid=stMain]")
    if lang == "en":
        sidebar.get_by_text("English", exact=True).click()
        page.get_by_text("Files to analyse").wait_for()
        wait_idle(page)
    page.locator("input[type=file]").first.set_input_files(
        [str(FIXTURES / "pipedrive_deals_en.csv"), str(FIXTURES / "shopify_orders_fr_shop.csv")]
    )
    sidebar.get_by_text("shopify_orders_fr_shop.csv").wait_for()
    wait_idle(page)
    shot(page, f"sources-upload-{lang}")
    # the Data page opens on the last file loaded: pick the Pipedrive export
    pick(page, main, "pipedrive_deals_en.csv")
    main.get_by_text(as_shown(t["pipedrive"])).wait_for()
    # the other table: Shopify, with its semantics
    pick(page, main, "shopify_orders_fr_shop.csv")
    main.get_by_text(as_shown(t["shopify"])).wait_for()
    assert t["semantics"] in main.inner_text().replace("\u2060", "").replace("\\", "")
    shot(page, f"sources-data-{lang}")

    # the win rate from Pipedrive's status: 2 won, 2 lost (deal 3 is open)
    nav(page, t["dashboard"])
    wait_idle(page)
    sidebar.get_by_text(t["all"], exact=True).click()
    wait_idle(page, after=1000)
    assert metric(page, t["win_rate"]) == t["win_value"]

    # orders as Shopify counts them: #1001, #1003, #1006 (refunded, cancelled, voided are not)
    nav(page, t["objectives"])
    wait_idle(page)
    main.locator("[data-testid=stMultiSelect]").first.click()
    page.get_by_role("option", name=t["grow"]).click()
    wait_idle(page)
    page.keyboard.press("Escape")
    nav(page, t["dashboard"])
    wait_idle(page, after=1000)
    assert metric(page, t["orders"]) == "3"
    assert "Traceback" not in page.content()
    shot(page, f"sources-dashboard-{lang}")
