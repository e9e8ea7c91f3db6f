"""The scorecard as a new user builds it: sample data, two objectives, the suggested KPIs with
their reasons, a target, then attainment and an alert on the dashboard — in French and English."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import nav, shot, wait_idle

pytestmark = pytest.mark.e2e

TEXT = {
    "fr": {
        "sample": "Essayer avec les données de démonstration",
        "objectives": "Objectifs",
        "grow": "Faire croître le chiffre d'affaires",
        "keep": "Fidéliser les clients",
        "why": "C'est la mesure directe de la croissance",
        "dashboard": "Tableau de bord",
        "settings": "Objectifs chiffrés, alertes et statuts comptés",
        "target_label": "Chiffre d'affaires (montant)",
        "attainment": "de l'objectif",
        "below": "sous l'objectif",
    },
    "en": {
        "sample": "Try with sample data",
        "objectives": "Objectives",
        "grow": "Grow revenue",
        "keep": "Keep customers",
        "why": "It is the direct measure of growth",
        "dashboard": "Dashboard",
        "settings": "Targets, alerts and counted statuses",
        "target_label": "Revenue (amount)",
        "attainment": "of target",
        "below": "below the target",
    },
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_objectives_to_dashboard_with_a_target(page, lang: str) -> None:  # noqa: ANN001
    t = TEXT[lang]
    sidebar = page.locator("[data-testid=stSidebar]")
    if lang == "en":
        sidebar.get_by_text("English", exact=True).click()
        page.get_by_text("Files to analyse").wait_for()
        wait_idle(page)
    page.get_by_role("button", name=t["sample"]).click()
    sidebar.get_by_text("ventes.csv").wait_for()
    wait_idle(page)

    nav(page, t["objectives"])
    wait_idle(page)
    for objective in (t["grow"], t["keep"]):
        page.locator("[data-testid=stMultiSelect]").first.click()
        page.get_by_role("option", name=objective).click()
        wait_idle(page)
    page.keyboard.press("Escape")
    main = page.locator("[data-testid=stMain]")
    main.get_by_text(t["why"]).first.wait_for()
    shot(page, f"objectives-{lang}")

    nav(page, t["dashboard"])
    wait_idle(page)
    page.get_by_text(t["settings"]).click()
    target = page.get_by_label(t["target_label"])
    target.fill("99999999")  # far above any month: attainment is low and an alert says so
    target.press("Enter")
    wait_idle(page)
    main.get_by_text(t["attainment"]).first.wait_for()
    main.get_by_text(t["below"]).first.wait_for()
    assert "Traceback" not in page.content()
    shot(page, f"dashboard-{lang}")
