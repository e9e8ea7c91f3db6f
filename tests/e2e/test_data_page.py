"""A user in a real browser: sample data, a French upload, page changes, both languages."""

from __future__ import annotations

import re

import pytest

from tests.conftest import french_export
from tests.e2e.conftest import nav, pick, shot, wait_idle

pytestmark = pytest.mark.e2e


def test_sample_upload_navigation_and_languages(page, tmp_path) -> None:  # noqa: ANN001
    # 1. one click to the sample data
    page.get_by_role("button", name="Essayer avec les données de démonstration").click()
    page.get_by_text("8 tableaux de démonstration chargés").wait_for()
    wait_idle(page)
    shot(page, "data-sample-fr")

    # 2. a French export through the uploader
    path = tmp_path / "export_ventes.csv"
    path.write_bytes(french_export())
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_text("export_ventes.csv").first.wait_for()
    wait_idle(page)
    page.get_by_text("Tableau à vérifier").wait_for()
    pick(page, page, "export_ventes.csv")
    body = page.locator("[data-testid=stMain]")
    body.get_by_text("Montant ← Montant HT").wait_for()
    assert "Commercial ← Commercial" in body.inner_text()
    assert "Date ← Date de commande" in body.inner_text()
    shot(page, "data-upload-fr")
    # the quality checks run when their tab is opened
    assert "Doublons" not in body.inner_text()
    page.get_by_role("tab", name="Qualité des données").click()
    body.get_by_text("Doublons").wait_for()
    wait_idle(page)
    shot(page, "data-quality-fr")
    page.get_by_role("tab", name="Rôle des colonnes").click()
    wait_idle(page)

    # 3. change page and come back: the data is still there
    nav(page, "Accueil")
    page.get_by_text("9 tableau(x) chargé(s).").wait_for()
    nav(page, "Données")
    page.get_by_text("Tableau à vérifier").wait_for()
    wait_idle(page)
    assert "export_ventes.csv" in page.locator("[data-testid=stSidebar]").inner_text()

    # 4. English
    page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()
    page.get_by_text("Loaded data").wait_for()
    pick(page, page, "export_ventes.csv")
    page.get_by_text("Amount ← Montant HT").wait_for()
    shot(page, "data-upload-en")


def test_bad_file_shows_a_message_and_the_app_keeps_working(page, tmp_path) -> None:  # noqa: ANN001
    bad = tmp_path / "rapport.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a workbook")
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    page.locator("input[type=file]").set_input_files([str(bad), str(empty)])
    page.get_by_text("Ce classeur est endommagé").wait_for()
    page.get_by_text("« vide.csv » est vide").wait_for()
    assert "Traceback" not in page.content()
    shot(page, "data-bad-files-fr")
    page.get_by_role("button", name="Essayer avec les données de démonstration").click()
    page.get_by_text("8 tableaux de démonstration chargés").wait_for()


# What the uploader shows in place of Streamlit's English texts: each text's own font size (0
# when hidden) and the text drawn after it.
UPLOADER_TEXTS = """() => {
  const zone = document.querySelector('[data-testid=stFileUploaderDropzone]');
  return [
    zone.querySelector('[data-testid=stBaseButton-secondary] p'),
    zone.querySelector('[data-testid=stFileUploaderDropzoneInstructions] span'),
    zone.querySelector('.euud7oh2'),
  ].map(e => e && [e.textContent, getComputedStyle(e).fontSize,
                   getComputedStyle(e, '::after').content]);
}"""


def test_the_uploader_speaks_the_user_s_language(page) -> None:  # noqa: ANN001
    # Streamlit writes "Upload", "1GB per file" and "Drag and drop files here" in English.
    page.get_by_text("Fichiers à analyser").first.wait_for()
    wait_idle(page)
    button, limit, dragged = page.evaluate(UPLOADER_TEXTS)
    assert button == ["Upload", "0px", '"Parcourir"']
    assert limit[:2] == ["1GB per file", "0px"]
    assert re.fullmatch(r'"\d+ (Go|Mo) max\. par fichier"', limit[2]), limit
    assert dragged is None  # shown only while a file is dragged over the zone
    files = page.evaluate_handle(
        "() => { const d = new DataTransfer(); d.items.add(new File(['a'], 'v.csv')); return d; }"
    )
    zone = page.locator("[data-testid=stFileUploaderDropzone]")
    zone.dispatch_event("dragenter", {"dataTransfer": files})
    page.locator("[data-testid=stFileUploaderDropzone] .euud7oh2").wait_for()
    assert page.evaluate(UPLOADER_TEXTS)[2] == [
        "Drag and drop files here",
        "0px",
        '"Déposez vos fichiers ici"',
    ]
    zone.dispatch_event("dragleave", {"dataTransfer": files})
    shot(page, "data-uploader-fr")

    page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()
    page.get_by_text("Files to analyse").first.wait_for()
    wait_idle(page)
    button, limit, _ = page.evaluate(UPLOADER_TEXTS)
    assert button[2] == '"Browse files"'
    assert re.fullmatch(r'"Up to \d+ (GB|MB) per file"', limit[2]), limit
