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
    assert not at.exception and len(at.session_state["tables"]) == 8
    return at


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_objectives_then_dashboard(loaded: AppTest, lang: str) -> None:
    at = loaded
    at.session_state["lang"] = lang
    at.switch_page("pages/objectives.py").run()
    assert not at.exception
    at.session_state["lang"] = lang  # (AppTest resets the language widget on each run)
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
    # Targets are typed the way the language writes numbers, and shown back that way.
    typed = "99999999" if lang == "en" else "99 999 999,0"
    at.text_input(key="w_target_revenue").input(typed).run()
    assert not at.exception
    res = at.session_state["analysis"].targets
    assert res == {"revenue": 99_999_999.0}
    typed_back = at.text_input(key="w_target_revenue").value
    assert typed_back == ("99,999,999" if lang == "en" else "99\u202f999\u202f999")
    below = "below the target" if lang == "en" else "sous l'objectif"
    assert any(below in shown(e.value) for e in at.error)
    of_target = "of target" if lang == "en" else "de l'objectif"
    assert any(of_target in shown(p.proto.text or "") for p in at.get("progress"))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_dashboard_opens_on_the_last_complete_month_with_the_headline_kpis(
    loaded: AppTest, lang: str
) -> None:
    at = loaded
    at.session_state["lang"] = lang
    at.switch_page("pages/dashboard.py").run()
    assert not at.exception
    assert at.session_state["analysis"].period == "2025-12"  # data to 31 December 2025
    kpis = at.session_state["analysis"].kpis
    assert kpis[:5] == ["revenue", "orders", "aov", "customers", "gross_margin_pct"]
    assert len(kpis) == 10  # the orders, deals and leads headlines
    labels = [m.label for m in at.metric]  # column by column: the first card is revenue
    assert labels[0] == ("Revenue" if lang == "en" else "Chiffre d'affaires")
    assert len(labels) == 10
    caption = " ".join(c.value for c in at.caption)
    assert ("décembre 2025" if lang == "fr" else "December 2025") in caption
    assert "EUR" in caption
    # A percentage target: typed in %, read as a fraction.
    at.session_state["lang"] = lang  # (AppTest resets the language widget on each run)
    at.text_input(key="w_target_win_rate").input("55" if lang == "en" else "55,5").run()
    expected = 0.55 if lang == "en" else 0.555
    assert at.session_state["analysis"].targets["win_rate"] == pytest.approx(expected)
    at.session_state["lang"] = lang
    at.text_input(key="w_target_aov").input("douze").run()
    assert any(("not a number" if lang == "en" else "n'est pas un nombre") in e.value
               for e in at.error)  # fmt: skip


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
