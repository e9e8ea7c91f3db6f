"""The app as a user drives it, through Streamlit's AppTest (no browser)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, shown

APP = str(ROOT / "app.py")


@pytest.fixture()
def app(tmp_path, monkeypatch) -> AppTest:  # noqa: ANN001
    monkeypatch.setenv("PILOTE_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def _button(at: AppTest, key: str):  # noqa: ANN202
    return next(b for b in at.button if b.key == key)


def test_starts_in_french_with_nothing_loaded(app: AppTest) -> None:
    assert app.title[0].value == "Pilote"
    assert any("Aucune donnée" in c.value for c in app.sidebar.caption)
    assert any(b.label == "Essayer avec les données de démonstration" for b in app.button)


def test_sample_data_loads_every_table(app: AppTest) -> None:
    _button(app, "home_sample").click().run()
    assert not app.exception
    tables = app.session_state["tables"]
    kinds = sorted(t.kind for t in tables.values())
    assert kinds == ["activities", "deals", "leads", "orders", "spend", "subscriptions", "survey",
                     "targets"]  # fmt: skip
    assert any("tableaux de démonstration chargés" in s.value for s in app.success)
    app.selectbox(key="inspected_table").set_value("ventes.csv").run()
    # the title block and the Total row of the French orders export were dropped, and said so
    assert any("ligne(s) de total" in shown(i.value) for i in app.info)
    assert any("ligne(s) de titre" in shown(i.value) for i in app.info)


def test_a_sample_load_cut_short_by_a_click_elsewhere_is_finished(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    # The user clicked the sample button, then another page before the eight files were read:
    # that run stopped after two tables. The next run of the app, on any page, loads the rest.
    # (AppTest runs app.py on its first run only; later runs and switch_page run the page.)
    monkeypatch.setenv("PILOTE_DATA_DIR", str(tmp_path))
    names = sorted(p.name for p in (ROOT / "sample_data").glob("*.csv"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["pending_samples"] = names[2:]
    at.run()
    assert not at.exception
    assert sorted(at.session_state["tables"]) == names[2:]
    assert "pending_samples" not in at.session_state
    listed = " ".join(shown(m.value) for m in at.sidebar.markdown)
    assert all(name in listed for name in names[2:])


def test_english_switch_keeps_the_data(app: AppTest) -> None:
    _button(app, "home_sample").click().run()
    app.session_state["lang"] = "en"
    app.run()
    assert not app.exception
    assert app.title[0].value == "Data"
    assert len(app.session_state["tables"]) == 8


def test_kind_can_be_changed_and_mapping_saved(app: AppTest, tmp_path) -> None:  # noqa: ANN001
    _button(app, "home_sample").click().run()
    app.selectbox(key="inspected_table").set_value("ventes.csv").run()
    app.selectbox(key="kind-ventes.csv-0-fr").set_value("other")
    app.checkbox(key="save-ventes.csv-0-fr").check()
    submit = next(b for b in app.button if "Appliquer" in b.label)
    submit.click().run()
    assert not app.exception
    table = app.session_state["tables"]["ventes.csv"]
    assert table.kind == "other"
    assert table.mapping["amount"] == "Montant HT"
    assert (tmp_path / "pilote.sqlite").exists()
    assert any("Correspondance mémorisée" in s.value for s in app.success)
