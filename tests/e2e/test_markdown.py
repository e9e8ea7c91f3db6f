"""Names from the data are never Markdown: a header, a file name and a workspace name carrying
an image, a link and HTML go through every message that shows them (load warnings, the roles
found, the load report, quality messages, errors, save/open/replace/delete notices, the
sidebar) and the browser fetches nothing and shows no link or image.

The image URL points at a listener on 127.0.0.1 that counts its hits; every request the browser
makes is recorded, and none may leave the loopback interface.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.e2e.conftest import nav, shot, wait_idle
from tests.e2e.test_hostile import external

pytestmark = pytest.mark.e2e
WORD_JOINER = "\u2060"


@contextlib.contextmanager
def listener() -> Iterator[tuple[int, list[str]]]:
    """A web server on loopback that records every path asked of it."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], hits
    finally:
        server.shutdown()
        server.server_close()


def hostile(word: str, port: int) -> str:
    return (
        f"{word} ![{word}](http://127.0.0.1:{port}/{word}.png) [lien](http://evil.example) "
        "<img src=x> www.evil.example :red[rouge]"
    )


def check_inert(pg, names: list[str]) -> None:  # noqa: ANN001
    """No link or image made from a name, and the names shown character for character."""
    assert pg.locator("a[href*='evil']").count() == 0
    assert pg.locator("img[src*='127.0.0.1'], img[src='x']").count() == 0
    assert pg.locator("[data-testid=stMain] img, [data-testid=stSidebar] img").count() == 0
    text = pg.locator("body").inner_text().replace(WORD_JOINER, "")
    for name in names:
        assert name in text, name


def test_names_from_the_data_are_shown_as_text(browser, server, tmp_path) -> None:  # noqa: ANN001
    requests: list[str] = []
    with listener() as (port, hits):
        # "Montant ![m](x)" is still recognised as the amount (an image of the relative URL
        # "x": a request for /x would show it was drawn); the two others are not recognised.
        amount = "Montant ![m](x)"
        segment, other = hostile("Segment", port), hostile("Total", port)
        file_name = hostile("ventes", port) + ".csv"
        empty_name = hostile("vide", port) + ".csv"
        workspace = hostile("Espace", port)[:100]
        rows = [f"Date;Client;{amount};{segment};{other}"]
        for i in range(60):
            value = "-40,5" if i == 3 else f"{100 + i},5"
            odd = "abc" if i == 7 else f"{i},5"
            vt = chr(11) if i % 2 else ""
            rows.append(f"2024-01-{1 + i % 28:02d};C{i % 9};{value};Nord{vt};{odd}")
        data = "\n".join(rows).encode()

        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        pg.on("request", lambda r: requests.append(r.url))
        try:
            pg.goto(server + "/data")
            pg.get_by_text("Fichiers à analyser").first.wait_for()
            wait_idle(pg)
            pg.locator("input[type=file]").set_input_files(
                [
                    {"name": file_name, "mimeType": "text/csv", "buffer": data},
                    {"name": empty_name, "mimeType": "text/csv", "buffer": b""},
                ]
            )
            pg.get_by_text("est vide").wait_for()  # the error names the empty file
            pg.locator("[data-testid=stSidebar]").get_by_text("Autre tableau").or_(
                pg.locator("[data-testid=stSidebar]").get_by_text("Commandes")
            ).first.wait_for()
            wait_idle(pg)
            check_inert(pg, [empty_name, file_name])
            shot(pg, "markdown-data-fr")

            # the roles found, the load report (warnings naming the columns), the quality tab
            main = pg.locator("[data-testid=stMain]")
            main.get_by_text("Rôles reconnus").wait_for()
            check_inert(pg, [f"Montant ← {amount}"])
            pg.get_by_role("tab", name="Comment le fichier a été lu").click()
            main.get_by_text("caractère(s) de contrôle retiré(s)").wait_for()
            main.get_by_text("illisible(s) comme").wait_for()
            wait_idle(pg)
            check_inert(pg, [segment, other])
            shot(pg, "markdown-report-fr")
            pg.get_by_role("tab", name="Qualité des données").click()
            main.get_by_text("Doublons").wait_for()
            main.get_by_text("montant(s) négatif(s)").wait_for()
            wait_idle(pg)
            check_inert(pg, [amount, other])
            shot(pg, "markdown-quality-fr")

            # the dashboard and its alerts
            nav(pg, "Tableau de bord")
            pg.locator("[data-testid=stMetric]").first.wait_for()
            wait_idle(pg)
            check_inert(pg, [file_name])

            # workspaces: saved, asked before replacing, replaced, opened, deleted
            nav(pg, "Partager")
            pg.get_by_role("button", name="Enregistrer").wait_for()
            wait_idle(pg)
            name_box = pg.get_by_label("Nom de l'espace de travail")
            for attempt in ("enregistré", "s'appelle déjà", "mis à jour"):
                if attempt != "mis à jour":
                    name_box.fill(workspace)
                    pg.get_by_role("button", name="Enregistrer").click()
                else:
                    pg.get_by_role("button", name="Remplacer").click()
                pg.get_by_text(attempt).first.wait_for()
                wait_idle(pg)
                check_inert(pg, [workspace])
                shot(pg, f"markdown-share-{attempt.split()[0].strip(chr(39))}-fr")
            pg.get_by_role("button", name="Ouvrir").click()
            pg.get_by_text("ouvert :").wait_for()
            wait_idle(pg)
            check_inert(pg, [workspace])
            pg.get_by_role("button", name="Supprimer…").click()
            pg.get_by_role("button", name="Supprimer définitivement").click()
            pg.get_by_text("supprimé").wait_for()
            wait_idle(pg)
            check_inert(pg, [workspace])
            # a name with an invisible character: refused, the name quoted as text
            name_box.fill("Espace\u200b " + hostile("x", port)[:60])
            pg.get_by_role("button", name="Enregistrer").click()
            pg.get_by_text("caractères invisibles").wait_for()
            wait_idle(pg)
            check_inert(pg, ["<U+200B>"])
            shot(pg, "markdown-share-invisible-fr")
        finally:
            context.close()
    assert hits == [], hits
    assert not [u for u in requests if f":{port}" in u or u.endswith("/x")]
    assert requests and not external(requests), external(requests)
