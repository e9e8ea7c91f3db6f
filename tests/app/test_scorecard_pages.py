"""Objectives and Dashboard pages through AppTest: suggestions with reasons, then the
scorecard with a typed target, attainment and an alert, in French and English."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, shown

APP = str(ROOT / "app.py")


@pytest.fixture()
def loaded(tmp_path, monkeypatch) -> AppTest:  # noqa: ANN001
    monkeypatch.setenv("PILOTE_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=180).run()
    next(b for b in at.button if b.key == "home_sample").click().run()
    assert not at.exception and len(at.session_state["tables"]) == 7
    return at


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_objectives_then_dashboard(loaded: AppTest, lang: str) -> None:
    at = loaded
    at.session_state["lang"] = lang
    at.switch_page("pages/objectives.py").run()
    assert not at.exception
    at.multiselect(key="w_objectives").set_value(["grow_revenue", "keep_customers"]).run()
    assert not at.exception
    why = "It is the direct measure of growth." if lang == "en" else "C'est la mesure directe"
    assert any(why in m.value for m in at.markdown)
    chosen = at.session_state["analysis"].kpis
    assert "revenue" in chosen and len(chosen) >= 4

    at.session_state["lang"] = lang
    at.switch_page("pages/dashboard.py").run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert ("Revenue" if lang == "en" else "Chiffre d'affaires") in labels
    at.session_state["lang"] = lang
    at.number_input(key="w_target_revenue").set_value(99_999_999.0).run()
    assert not at.exception
    res = at.session_state["analysis"].targets
    assert res == {"revenue": 99_999_999.0}
    below = "below the target" if lang == "en" else "sous l'objectif"
    assert any(below in shown(e.value) for e in at.error)
    of_target = "of target" if lang == "en" else "de l'objectif"
    assert any(of_target in shown(p.proto.text or "") for p in at.get("progress"))


def test_dashboard_without_data_says_what_to_do(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("PILOTE_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/dashboard.py").run()
    assert not at.exception
    assert any("Chargez d'abord" in i.value for i in at.info)


def test_empty_filter_shows_no_data_not_nan(loaded: AppTest) -> None:
    at = loaded
    at.switch_page("pages/dashboard.py").run()
    at.session_state["analysis"].filters = {"region": ["Nowhere"]}
    at.run()
    assert not at.exception
    assert not any("nan" in str(m.value).lower() for m in at.metric)
