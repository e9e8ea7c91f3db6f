"""Charts of a lead-scoring model's quality: cumulative gain by decile and calibration."""

from __future__ import annotations

import altair as alt
import pandas as pd

from kpi import i18n


def gain_chart(lift: pd.DataFrame, lang: str = i18n.DEFAULT_LANGUAGE) -> alt.Chart:
    """Share of conversions captured when calling the best-scored leads first, vs at random."""
    data = pd.DataFrame(
        {
            "x": [0.0, *lift["cum_leads_share"].tolist()],
            "model": [0.0, *lift["cum_gain"].tolist()],
        }
    )
    data["random"] = data["x"]
    long = data.melt("x", var_name="curve", value_name="y")
    long["curve"] = long["curve"].map(
        {
            "model": i18n.t("scoring.chart.model", lang),
            "random": i18n.t("scoring.chart.random", lang),
        }
    )
    return (
        alt.Chart(long, title=i18n.t("scoring.chart.gain", lang))
        .mark_line(point=True)
        .encode(
            x=alt.X("x:Q", title=i18n.t("scoring.chart.called", lang), axis=alt.Axis(format="%")),
            y=alt.Y("y:Q", title=i18n.t("scoring.chart.captured", lang), axis=alt.Axis(format="%")),
            color=alt.Color("curve:N", title=None),
            tooltip=[
                alt.Tooltip("x:Q", format=".0%", title=i18n.t("scoring.chart.called", lang)),
                alt.Tooltip("y:Q", format=".0%", title=i18n.t("scoring.chart.captured", lang)),
            ],
        )
        .properties(height=280)
    )


def calibration_chart(calibration: pd.DataFrame, lang: str = i18n.DEFAULT_LANGUAGE) -> alt.Chart:
    """Predicted vs observed conversion per score group (on the diagonal = well calibrated)."""
    diag = pd.DataFrame({"p": [0.0, 1.0]})
    points = (
        alt.Chart(calibration)
        .mark_circle(size=80)
        .encode(
            x=alt.X(
                "predicted:Q",
                title=i18n.t("scoring.chart.predicted", lang),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y(
                "observed:Q",
                title=i18n.t("scoring.chart.observed", lang),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            size=alt.Size("leads:Q", legend=None),
            tooltip=[
                alt.Tooltip(
                    "predicted:Q", format=".1%", title=i18n.t("scoring.chart.predicted", lang)
                ),
                alt.Tooltip(
                    "observed:Q", format=".1%", title=i18n.t("scoring.chart.observed", lang)
                ),
                alt.Tooltip("leads:Q", title=i18n.t("scoring.chart.leads", lang)),
            ],
        )
    )
    line = alt.Chart(diag).mark_line(strokeDash=[4, 4], color="gray").encode(x="p:Q", y="p:Q")
    return (line + points).properties(title=i18n.t("scoring.chart.calibration", lang), height=280)


i18n.add_messages(
    {
        "scoring.chart.model": {"fr": "Modèle", "en": "Model"},
        "scoring.chart.random": {"fr": "Au hasard", "en": "Random"},
        "scoring.chart.gain": {"fr": "Gain cumulé", "en": "Cumulative gain"},
        "scoring.chart.called": {
            "fr": "Part des leads appelés (meilleurs d'abord)",
            "en": "Share of leads called (best first)",
        },
        "scoring.chart.captured": {
            "fr": "Part des conversions captées",
            "en": "Share of conversions captured",
        },
        "scoring.chart.calibration": {"fr": "Calibration", "en": "Calibration"},
        "scoring.chart.predicted": {"fr": "Conversion prédite", "en": "Predicted conversion"},
        "scoring.chart.observed": {"fr": "Conversion observée", "en": "Observed conversion"},
        "scoring.chart.leads": {"fr": "Leads", "en": "Leads"},
    }
)
