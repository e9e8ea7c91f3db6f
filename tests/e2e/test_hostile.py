"""Hostile files in a real browser: the server survives them, another session does not notice,
and the person who sent them reads what is wrong and how to fix it, in French and in English.

The server runs with a hard cap on its data memory (inherited by its worker processes), so
that a guard that failed would fail this test instead of taking the shared machine's memory.
Every request the browsers make is recorded: none may leave the loopback interface.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kpi.data import sample_files
from tests import bombs
from tests.e2e.conftest import _require_browser, as_shown, nav, serve_app, shot, wait_idle

pytestmark = pytest.mark.e2e

SERVER_MEMORY_MB = 4096
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def external(urls: list[str]) -> list[str]:
    """The recorded requests that would leave the machine (data: and blob: URLs stay)."""
    return [
        u
        for u in urls
        if urlsplit(u).scheme in ("http", "https", "ws", "wss")
        and urlsplit(u).hostname not in LOCAL_HOSTS
    ]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=10) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except OSError:
        return False


def new_page(browser, url: str, requests: list[str], locale: str = "fr-FR"):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale)
    pg = context.new_page()
    pg.set_default_timeout(60_000)  # a shared 2-core machine
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(url + "/data")
    pg.get_by_text("Fichiers à analyser").first.wait_for()
    wait_idle(pg)
    return context, pg


def upload(pg, path: Path) -> None:  # noqa: ANN001
    pg.locator("input[type=file]").set_input_files(str(path))


def test_hostile_uploads_leave_the_server_and_another_session_alone(browser, tmp_path) -> None:  # noqa: ANN001
    _require_browser()
    # The bomb: its zip directory claims 900 kB for the sheet, which inflates to 3.2 GB.
    bomb = tmp_path / "ventes_2024.xlsx"
    with open(bomb, "wb") as fh:
        compressed, real = bombs.lying_workbook(fh, inflated_bytes=3_200_000_000)
    assert real > 3_000_000_000 and bomb.stat().st_size < 12_000_000
    controls = tmp_path / "régions.csv"
    controls.write_bytes(bombs.control_characters_csv())
    requests: list[str] = []

    with serve_app(
        tmp_path / "data", tmp_path / "server.log", memory_limit_mb=SERVER_MEMORY_MB
    ) as (
        url,
        proc,
    ):
        pid = proc.pid
        other_ctx, other = new_page(browser, url, requests)
        ctx, pg = new_page(browser, url, requests)
        try:
            # Someone else is working: the sample data and its dashboard.
            other.get_by_role("button", name="Essayer avec les données de démonstration").click()
            other.get_by_text(f"{len(sample_files())} tableaux de démonstration chargés").wait_for()
            wait_idle(other)

            # 1. The lying bomb. While the worker refuses it, the other session keeps working.
            upload(pg, bomb)
            nav(other, "Tableau de bord")
            other.locator("[data-testid=stMetric]").first.wait_for()
            wait_idle(other)
            pg.get_by_text(
                as_shown("« ventes_2024.xlsx » : Une feuille de ce classeur a plus de")
            ).wait_for(timeout=180_000)
            wait_idle(pg)
            message = pg.locator("[data-testid=stAlert]").first.inner_text()
            assert "la limite est 5\u202f000\u202f000" in message
            assert "Exportez une période plus courte" in message
            shot(pg, "hostile-bomb-fr")
            assert proc.poll() is None and healthy(url)

            # 2. Control characters (a vertical tab, \x01, ESC, U+FFFE in category names):
            # removed at load and counted in the load report.
            # (a fresh uploader first: the page resets it after each upload, at its next run)
            nav(pg, "Accueil")
            nav(pg, "Données")
            pg.get_by_text("Fichiers à analyser").first.wait_for()
            wait_idle(pg)
            upload(pg, controls)
            pg.locator("[data-testid=stSidebar]").get_by_text("régions.csv").wait_for()
            wait_idle(pg)
            pg.get_by_role("tab", name="Comment le fichier a été lu").click()
            warning = pg.get_by_text("16 caractère(s) de contrôle retiré(s) dans 1 colonne(s)")
            warning.wait_for()
            wait_idle(pg)
            shot(pg, "hostile-control-fr")

            # 3. The report of that table, with its charts drawn as SVG in a worker.
            nav(pg, "Partager")
            pg.get_by_role("button", name="Classeur Excel").wait_for(timeout=180_000)
            wait_idle(pg)
            shot(pg, "hostile-share-fr")

            # 4. The same in English.
            pg.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()
            wait_idle(pg)
            nav(pg, "Data")
            pg.get_by_text("Files to analyse").first.wait_for()
            wait_idle(pg)
            upload(pg, bomb)
            pg.get_by_text(
                as_shown("'ventes_2024.xlsx': A sheet of this workbook has more than")
            ).wait_for(timeout=180_000)
            wait_idle(pg)
            assert (
                "the limit is 5,000,000" in pg.locator("[data-testid=stAlert]").first.inner_text()
            )
            shot(pg, "hostile-bomb-en")
            pg.get_by_role("tab", name="How the file was read").click()
            pg.get_by_text("16 control character(s) removed in 1 column(s)").wait_for()
            wait_idle(pg)
            shot(pg, "hostile-control-en")

            # The other session never noticed: same server process, its tables still there.
            nav(other, "Données")
            other.get_by_text("Tableau à vérifier").wait_for()
            wait_idle(other)
            assert "ventes.csv" in other.locator("[data-testid=stSidebar]").inner_text()
            assert "Connection error" not in other.content()
            assert proc.poll() is None and proc.pid == pid and healthy(url)
        finally:
            ctx.close()
            other_ctx.close()
    assert requests and not external(requests), external(requests)
