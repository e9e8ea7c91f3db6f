"""Two people on one server never see each other's data; bookmarks land inside the app."""

from __future__ import annotations

import pytest

from tests.conftest import french_export
from tests.e2e.conftest import running_app, shot, wait_idle

pytestmark = pytest.mark.e2e


def test_two_users_never_see_each_other(browser, server, tmp_path) -> None:  # noqa: ANN001
    alice_file = tmp_path / "ventes_alice.csv"
    alice_file.write_bytes(french_export(rows=12))
    bob_file = tmp_path / "commandes_bob.csv"
    bob_file.write_bytes(
        b"Order ID,Order Date,Customer,Amount\nB1,2024-01-02,Bob Corp,10\nB2,2024-01-03,Bob Corp,20\n"
    )
    alice = browser.new_context(viewport={"width": 1300, "height": 900})
    bob = browser.new_context(viewport={"width": 1300, "height": 900})
    try:
        pa, pb = alice.new_page(), bob.new_page()
        for pg in (pa, pb):
            pg.set_default_timeout(30_000)
            pg.goto(server + "/data")
            pg.get_by_text("Fichiers à analyser").first.wait_for()
        pa.locator("input[type=file]").set_input_files(str(alice_file))
        pb.locator("input[type=file]").set_input_files(str(bob_file))
        pa.locator("[data-testid=stSidebar]").get_by_text("ventes_alice.csv").wait_for()
        pb.locator("[data-testid=stSidebar]").get_by_text("commandes_bob.csv").wait_for()
        wait_idle(pa)
        wait_idle(pb)
        pa.reload()
        pa.get_by_text("Fichiers à analyser").first.wait_for()
        wait_idle(pa)
        # a reload is a new session: Alice's data is gone, Bob's never arrives
        assert "commandes_bob.csv" not in pa.content()
        assert "ventes_alice.csv" not in pb.content()
        assert "Bob Corp" not in pa.content()
        shot(pb, "isolation-bob")
    finally:
        alice.close()
        bob.close()


def test_bookmarked_page_after_a_restart_runs_inside_the_app(browser, tmp_path) -> None:  # noqa: ANN001
    # A fresh server whose very first request is a page URL (a bookmark).
    with running_app(tmp_path, tmp_path / "log.txt") as url:
        ctx = browser.new_context()
        try:
            pg = ctx.new_page()
            pg.set_default_timeout(30_000)
            pg.goto(url + "/dashboard")
            pg.get_by_text("Tableau de bord").first.wait_for()
            sidebar = pg.locator("[data-testid=stSidebar]")
            sidebar.get_by_text("Langue").wait_for()  # the shell's sidebar is there
            assert "Accueil" in sidebar.inner_text()
        finally:
            ctx.close()
