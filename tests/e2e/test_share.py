"""Sharing in a real browser: the HTML report renders offline, and a user builds a scorecard on
the sample data, downloads both reports, saves the workspace and reopens it in a new session."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest

from kpi.data import load_path, sample_files
from kpi.share import ReportOptions, build_report, write_report
from tests.e2e.conftest import shot, wait_idle

pytestmark = pytest.mark.e2e

LOCAL_SCHEMES = ("file:", "data:")


def _open_offline(browser, path: Path, name: str):  # noqa: ANN001, ANN202
    """Open a report file with every request routed: anything but file:/data: is refused and
    recorded. Returns (page, context, refused URLs)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    refused: list[str] = []

    def route(r) -> None:  # noqa: ANN001
        if r.request.url.startswith(LOCAL_SCHEMES):
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_load_state("networkidle")
    shot(page, name)
    return page, context, refused


def _check_report_page(page) -> None:  # noqa: ANN001
    images = page.locator("figure img")
    assert images.count() >= 2
    widths = images.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert all(w > 0 for w in widths), widths  # every chart decoded, none broken
    assert page.locator("table").first.locator("tbody tr").count() >= 2


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_html_report_renders_offline_and_prints(browser, tmp_path: Path, lang: str) -> None:  # noqa: ANN001
    tables = [load_path(p) for p in sample_files(".csv")]
    options = ReportOptions(
        kpis=("revenue", "orders", "gross_margin_pct", "win_rate", "nps"),
        targets={"revenue": 800_000.0, "gross_margin_pct": 0.35},
        period="2025-06",
        lang=lang,
    )
    report = build_report(tables, options, generated=dt.datetime(2026, 1, 5, 9, 30))
    path = write_report(report, tmp_path / f"report-{lang}.html")
    page, context, refused = _open_offline(browser, path, f"report-html-{lang}")
    try:
        assert refused == []
        _check_report_page(page)
        heading = "Rapport Pilote — juin 2025" if lang == "fr" else "Pilote report — June 2025"
        assert page.locator("h1").inner_text() == heading
        # printing: A4 pages, charts kept whole
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2
        (tmp_path / f"report-{lang}.pdf").write_bytes(pdf)
    finally:
        context.close()


def _nav(page, path: str) -> None:  # noqa: ANN001
    page.locator(f'[data-testid=stSidebarNav] a[href$="/{path}"]').click()
    wait_idle(page)


def _metric_labels(page) -> list[str]:  # noqa: ANN001
    page.locator("[data-testid=stMetric]").first.wait_for()
    return page.locator("[data-testid=stMetricLabel]").all_inner_texts()


def test_scorecard_reports_and_workspace_in_a_new_session(
    page,  # noqa: ANN001
    browser,  # noqa: ANN001
    server: str,
    tmp_path: Path,
) -> None:
    # 1. sample data and the scorecard
    page.get_by_role("button", name="Essayer avec les données de démonstration").click()
    page.get_by_text("7 tableaux de démonstration chargés").wait_for()
    wait_idle(page)
    _nav(page, "dashboard")
    labels = _metric_labels(page)
    assert len(labels) == 8

    # 2. the Share page: both reports download
    _nav(page, "share")
    page.get_by_role("button", name="Classeur Excel").wait_for()
    wait_idle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Classeur Excel").click()
    xlsx = tmp_path / info.value.suggested_filename
    info.value.save_as(xlsx)
    assert xlsx.name == "pilote-2025-12.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes()))
    scorecard = [c.value for c in wb["Tableau de bord"]["A"] if c.value]
    assert all(label in scorecard for label in labels)
    with page.expect_download() as info:
        page.get_by_role("button", name="Page web (imprimable)").click()
    html = tmp_path / info.value.suggested_filename
    info.value.save_as(html)
    assert html.suffix == ".html"
    report, context, refused = _open_offline(browser, html, "share-downloaded-report")
    try:
        assert refused == []
        _check_report_page(report)
    finally:
        context.close()

    # 3. save the workspace
    page.get_by_label("Nom de l'espace de travail").fill("Démo e2e")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Espace de travail « Démo e2e » enregistré.").wait_for()
    wait_idle(page)
    shot(page, "share-saved-fr")

    # 4. a new browser context is a new session: nothing loaded until the workspace is opened
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    try:
        other = context.new_page()
        other.set_default_timeout(30_000)
        other.goto(server + "/share")
        other.get_by_text("Espaces de travail").first.wait_for()
        wait_idle(other)
        sidebar = other.locator("[data-testid=stSidebar]")
        assert "ventes.csv" not in sidebar.inner_text()
        other.get_by_text("Aucune donnée chargée").first.wait_for()
        other.locator("[data-testid=stSelectbox]").filter(has_text="Espace de travail").click()
        other.get_by_role("option", name="Démo e2e").click()
        wait_idle(other)
        other.get_by_role("button", name="Ouvrir").click()
        other.get_by_text("ouvert : 7 tableau(x)").wait_for()
        wait_idle(other)
        sidebar.get_by_text("ventes.csv").wait_for()  # drawn at the end of the run
        other.get_by_role("button", name="Classeur Excel").wait_for()
        shot(other, "share-reopened-fr")
        _nav(other, "dashboard")
        assert _metric_labels(other) == labels
        shot(other, "share-reopened-dashboard-fr")
    finally:
        context.close()
