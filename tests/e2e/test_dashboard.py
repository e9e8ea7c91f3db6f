"""The scorecard as a new user builds it: sample data, two objectives, the suggested KPIs with
their reasons, a target, then attainment and an alert on the dashboard — in French and English."""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest

from tests.e2e.conftest import ROOT, nav, serve_app, shot, wait_idle

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


# The app's script-run state as the page shows it (the running indicator appears only after
# 500 ms of a run: no use to tell a short run from none).
NOT_RUNNING = """() => document.querySelector('[data-testid=stApp]')
  .getAttribute('data-test-script-state') === 'notRunning'"""
REVENUE = "Chiffre d'affaires"


def _revenue_shown(page) -> float:  # noqa: ANN001
    card = page.locator("[data-testid=stMetric]").filter(has_text=REVENUE).first
    text = card.locator("[data-testid=stMetricValue]").inner_text()
    return float(re.sub(r"[^0-9,]", "", text).replace(",", "."))


def _revenue_by_hand(region: str | None) -> float:
    """December 2025's revenue in the sample orders, by hand: cancelled and refunded orders do
    not count."""
    df = pd.read_csv(
        ROOT / "sample_data" / "ventes.csv",
        sep=";",
        encoding="cp1252",
        skiprows=3,
        decimal=",",
        thousands=" ",
    )
    day = pd.to_datetime(df["Date de commande"], dayfirst=True)
    keep = (day >= "2025-12-01") & ~df["Statut"].isin(["Annulée", "Remboursée"])
    if region is not None:
        keep &= df["Région"] == region
    return round(float(df.loc[keep, "Montant HT"].sum()), 2)


def test_a_filter_change_reruns_the_cards_alone(browser, tmp_path) -> None:  # noqa: ANN001
    """A region picked in the sidebar: the cards show that region's values, drawn by the
    dashboard's fragment alone (the server's log: no run of the whole app); a later full run
    of the page shows the same; clearing the filter brings the first values back."""
    log = tmp_path / "streamlit.log"
    with serve_app(tmp_path, log, {"PILOTE_TIMINGS": "1"}) as (url, _proc):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(url + "/data")
        page.get_by_role("button", name="Essayer avec les données de démonstration").click()
        sidebar = page.locator("[data-testid=stSidebar]")
        sidebar.get_by_text("ventes.csv").wait_for()
        wait_idle(page)
        nav(page, "Tableau de bord")
        page.get_by_text("indicateur(s) suivi(s)").wait_for()
        page.wait_for_function(NOT_RUNNING)
        everywhere = _revenue_by_hand(None)
        assert _revenue_shown(page) == everywhere

        def runs(name: str) -> int:
            return sum(f" run {name} " in line for line in log.read_text().splitlines())

        app_runs, card_runs = runs("dashboard"), runs("dashboard-cards")
        sidebar.get_by_text("Filtres").click()
        box = sidebar.locator("[data-testid=stMultiSelect]").filter(
            has=page.get_by_text("Région", exact=True)
        )
        box.click()
        page.keyboard.type("Hauts-de-France")
        page.get_by_role("option", name="Hauts-de-France", exact=True).click()
        page.keyboard.press("Escape")
        north = _revenue_by_hand("Hauts-de-France")
        assert 0 < north < everywhere
        _wait_for_revenue(page, north)
        assert runs("dashboard-cards") == card_runs + 1
        assert runs("dashboard") == app_runs  # the sidebar, controls and settings were left
        main = page.locator("[data-testid=stMain]")
        assert main.get_by_text("indicateur(s) suivi(s)").count() == 1  # the caption, once

        # A full run of the page (back from another page) computes the same, filter kept.
        nav(page, "Tendances")
        wait_idle(page)
        nav(page, "Tableau de bord")
        page.get_by_text("indicateur(s) suivi(s)").wait_for()
        page.wait_for_function(NOT_RUNNING)
        assert runs("dashboard") > app_runs
        assert _revenue_shown(page) == north
        assert main.get_by_text("indicateur(s) suivi(s)").count() == 1

        if not box.is_visible():
            sidebar.get_by_text("Filtres").click()
        box.click()
        page.keyboard.press("Backspace")
        page.keyboard.press("Escape")
        _wait_for_revenue(page, everywhere)
        assert "Traceback" not in page.content()
        shot(page, "dashboard-filter-cleared")
        context.close()


def _wait_for_revenue(page, expected: float, timeout: float = 60) -> None:  # noqa: ANN001
    """Until the revenue card shows ``expected`` and the run is over."""
    deadline = time.monotonic() + timeout
    while _revenue_shown(page) != expected:
        assert time.monotonic() < deadline, (_revenue_shown(page), expected)
        page.wait_for_timeout(100)
    page.wait_for_function(NOT_RUNNING)
    assert _revenue_shown(page) == expected
