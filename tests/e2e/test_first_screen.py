"""The first screen tells the truth (issue 13), in a real browser, in French and English:
every uploaded file is loaded or gets its own message; the dashboard opens on the last
complete month of the main table with the headline KPIs, revenue first; a month in progress is
labelled as such; the alerts agree with the cards."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT, realdata
from tests.e2e.conftest import nav, shot, wait_idle

pytestmark = pytest.mark.e2e

TEXT = {
    "fr": {
        "uploader": "Fichiers à analyser",
        "read": "lu :",
        "sample": "Essayer avec les données de démonstration",
        "sample_done": "tableaux de démonstration chargés",
        "dashboard": "Tableau de bord",
        "data": "Données",
        "revenue": "Chiffre d'affaires",
        "period_shown": "Période affichée",
        "inspect": "Tableau à vérifier",
        "damaged": "Ce classeur est endommagé",
    },
    "en": {
        "uploader": "Files to analyse",
        "read": "read:",
        "sample": "Try with sample data",
        "sample_done": "sample tables loaded",
        "dashboard": "Dashboard",
        "data": "Data",
        "revenue": "Revenue",
        "period_shown": "Period shown",
        "inspect": "Table to check",
        "damaged": "This workbook is damaged",
    },
}


def _english(page) -> None:  # noqa: ANN001
    page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()
    page.get_by_text(TEXT["en"]["uploader"]).first.wait_for()
    wait_idle(page)


def _selected(page, label: str) -> str:  # noqa: ANN001
    """The value a selectbox shows, found by its label (waits for it to be on the page)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.wait_for()
    return box.input_value()


def _loaded(page) -> str:  # noqa: ANN001
    return page.locator("[data-testid=stSidebar]").inner_text()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_files_uploaded_one_after_another_are_all_loaded(page, tmp_path, lang: str) -> None:  # noqa: ANN001
    t = TEXT[lang]
    if lang == "en":
        _english(page)
    names = ["ventes.csv", "deals.csv", "leads.csv"]
    for i, name in enumerate(names):
        path = tmp_path / f"{i + 1}-{name}"
        shutil.copy(ROOT / "sample_data" / name, path)
        _uploader(page).set_input_files(str(path))
        # Its own message, then the next file goes to the uploader now on screen.
        page.get_by_text(f"{path.name}", exact=False).filter(has_text=t["read"]).first.wait_for()
        wait_idle(page)
        sidebar = _loaded(page)
        for j in range(i + 1):
            assert f"{j + 1}-{names[j]}" in sidebar, (lang, i, sidebar)
    # A rejected file, then a good one: the rejection has its message, the good file loads.
    bad = tmp_path / "rapport.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a workbook")
    _uploader(page).set_input_files(str(bad))
    page.get_by_text(t["damaged"]).first.wait_for()
    wait_idle(page)
    good = tmp_path / "4-activities.csv"
    shutil.copy(ROOT / "sample_data" / "activities.csv", good)
    _uploader(page).set_input_files(str(good))
    page.get_by_text(good.name).filter(has_text=t["read"]).first.wait_for()
    wait_idle(page)
    sidebar = _loaded(page)
    assert all(n in sidebar for n in ("1-ventes.csv", "2-deals.csv", "3-leads.csv", good.name))
    assert "rapport.xlsx" not in sidebar
    # The table the user just uploaded is the one shown for checking.
    assert _selected(page, t["inspect"]) == good.name
    assert "Traceback" not in page.content()
    shot(page, f"uploads-sequential-{lang}")
    # Several at once still load, each with its message.
    two = [tmp_path / "5-depenses.csv", tmp_path / "6-objectifs.csv"]
    shutil.copy(ROOT / "sample_data" / "depenses_marketing.csv", two[0])
    shutil.copy(ROOT / "sample_data" / "objectifs.csv", two[1])
    _uploader(page).set_input_files([str(p) for p in two])
    for p in two:
        page.get_by_text(p.name).filter(has_text=t["read"]).first.wait_for()
    wait_idle(page)
    assert all(p.name in _loaded(page) for p in two)


def _uploader(page):  # noqa: ANN001, ANN202
    """The uploader's file input once the previous file's run has replaced the uploader (for
    a moment after a run the old one, holding the previous file, is still on the page)."""
    inputs = page.locator("input[type=file]")
    expect(inputs).to_have_count(1, timeout=60_000)
    return inputs


def _cards(page) -> list[str]:  # noqa: ANN001
    """The text of each card, in order (once the dashboard has drawn them)."""
    page.locator("[data-testid=stMetric]").first.wait_for(timeout=120_000)
    wait_idle(page, timeout=120_000)
    return [c.inner_text() for c in page.locator("[data-testid=stMetric]").all()]


def _alerts(page) -> list[str]:  # noqa: ANN001
    return [a.inner_text() for a in page.locator("[data-testid=stAlert]").all()]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sample_data_opens_on_its_last_complete_month_revenue_first(page, lang: str) -> None:  # noqa: ANN001
    t = TEXT[lang]
    if lang == "en":
        _english(page)
    page.get_by_role("button", name=t["sample"]).click()
    page.get_by_text(t["sample_done"]).wait_for(timeout=120_000)
    wait_idle(page)
    # The demo opens the Data page on the sales table, not the first file loaded.
    assert _selected(page, t["inspect"]) == "ventes.csv"
    nav(page, t["dashboard"])
    wait_idle(page, after=1500)
    period = _selected(page, t["period_shown"])
    assert period == ("décembre 2025" if lang == "fr" else "December 2025")
    cards = _cards(page)
    assert cards and cards[0].startswith(t["revenue"]), cards[:2]
    assert len(cards) == 10
    shot(page, f"first-screen-sample-{lang}")


@pytest.mark.realdata
def test_online_retail_opens_on_november_2011_and_its_alerts_agree(page) -> None:  # noqa: ANN001
    path = realdata("online_retail/online_retail_uci_by-day_concatenated.csv")
    _uploader(page).set_input_files(str(path))
    page.get_by_text(path.name).filter(has_text=TEXT["fr"]["read"]).first.wait_for(timeout=300_000)
    wait_idle(page, timeout=120_000)
    for lang in ("fr", "en"):
        t = TEXT[lang]
        if lang == "en":
            _english(page)
        nav(page, t["dashboard"])
        wait_idle(page, timeout=120_000, after=2000)
        assert _selected(page, t["period_shown"]) == (
            "novembre 2011" if lang == "fr" else "November 2011"
        )
        period = page.get_by_role("combobox", name=t["period_shown"], exact=True)
        cards = _cards(page)
        assert cards[0].startswith(t["revenue"])
        assert ("1 461 756,25" if lang == "fr" else "1,461,756.25") in cards[0].replace(
            "\u202f", " "
        ).replace("\u00a0", " ")
        # Every alert about a card quotes the card's own value (no hidden projection).
        values = {c.splitlines()[0]: c.splitlines()[1] for c in cards if "\n" in c}
        for alert in _alerts(page):
            assert "projection" not in alert.lower()
            for label, value in values.items():
                if alert.startswith(label + " ") or alert.startswith(label + ":"):
                    if label.lower() in ("taux d'attrition", "churn rate"):
                        continue
                    assert value in alert, (label, value, alert)
        shot(page, f"first-screen-online-retail-{lang}")
        # December 2011 stays selectable, labelled as the month in progress.
        period.click()
        partial = "décembre 2011 — jusqu'au 9" if lang == "fr" else "December 2011 — to the 9th"
        page.get_by_role("option", name=partial).click()
        wait_idle(page, timeout=120_000, after=1500)
        main = page.locator("[data-testid=stMain]")
        main.get_by_text("projection").first.wait_for()
        shot(page, f"first-screen-online-retail-december-{lang}")
        # Back to November for the next language.
        period.click()
        page.get_by_role(
            "option", name="novembre 2011" if lang == "fr" else "November 2011"
        ).click()
        wait_idle(page, timeout=120_000)
        nav(page, t["data"])
        wait_idle(page)


@pytest.mark.realdata
def test_superstore_december_2022_counts_as_complete(page) -> None:  # noqa: ANN001
    path = realdata("superstore/Sample - Superstore.csv")
    _uploader(page).set_input_files(str(path))
    page.get_by_text(path.name).filter(has_text=TEXT["fr"]["read"]).first.wait_for(timeout=120_000)
    wait_idle(page)
    for lang in ("fr", "en"):
        t = TEXT[lang]
        if lang == "en":
            _english(page)
        nav(page, t["dashboard"])
        wait_idle(page, after=1500)
        text = _selected(page, t["period_shown"])
        assert ("décembre 2022" if lang == "fr" else "December 2022") in text
        assert "—" not in text  # data to 30 December: complete, not "in progress"
        assert not any("projection" in c.lower() for c in _cards(page))
        nav(page, t["data"])
        wait_idle(page)
