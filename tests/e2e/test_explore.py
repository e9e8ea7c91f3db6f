"""A user in a real browser explores the sample data: trends, funnel, customers and team, in
French then in English, with a filter that leaves nothing."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import nav, shot, wait_idle

pytestmark = pytest.mark.e2e

PAGES_FR = [
    ("Tendances", "trends", "Par segment"),
    ("Entonnoir", "funnel", "Sources de leads"),
    ("Clients", "customers", "Segments RFM"),
    ("Équipe", "team", "Détail d'un commercial"),
]
PAGES_EN = [
    ("Trends", "trends", "By segment"),
    ("Funnel", "funnel", "Lead sources"),
    ("Customers", "customers", "RFM segments"),
    ("Team", "team", "One rep in detail"),
]


def _visit(page, link: str, marker: str) -> None:  # noqa: ANN001
    nav(page, link)
    page.locator("[data-testid=stMain]").get_by_text(marker).first.wait_for(timeout=90_000)
    wait_idle(page, 90_000)
    page.wait_for_timeout(1500)  # let the charts draw
    body = page.locator("[data-testid=stMain]").inner_text()
    assert "Traceback" not in body and "nan" not in body.split()


def test_explore_pages_in_both_languages(page) -> None:  # noqa: ANN001
    page.get_by_role("button", name="Essayer avec les données de démonstration").click()
    page.get_by_text("8 tableaux de démonstration chargés").wait_for(timeout=90_000)
    wait_idle(page)
    for link, name, marker in PAGES_FR:
        _visit(page, link, marker)
        assert page.locator("[data-testid=stVegaLiteChart]").count() >= 2, name
        shot(page, f"explore-{name}-fr")

    # the trend of orders in Auvergne-Rhône-Alpes shows the March 2025 flood
    _visit(page, "Tendances", "Par segment")
    page.locator("[data-testid=stSelectbox]").filter(has_text="Mesure ou indicateur").click()
    page.get_by_role("option", name="Commandes", exact=True).click()
    wait_idle(page)
    page.locator("[data-testid=stSidebar]").get_by_text("Filtres").click()
    region = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").filter(
        has_text="Région"
    )
    region.locator("input").click()
    page.keyboard.type("Auvergne")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_text("mars 2025 :").first.wait_for(timeout=60_000)
    wait_idle(page)
    page.wait_for_timeout(1500)
    shot(page, "explore-trends-anomaly-fr")

    page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()
    page.get_by_text("Loaded data").wait_for()
    wait_idle(page)
    for link, name, marker in PAGES_EN:
        _visit(page, link, marker)
        shot(page, f"explore-{name}-en")
