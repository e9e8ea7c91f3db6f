"""Reports: the Excel workbook (values, formats, colours, charts, no formula from data), the HTML
page (self-contained, escaped), CSV neutralisation, and ``python -m kpi report``."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kpi import cli, i18n
from kpi.data import Table, sample_files
from kpi.errors import PiloteError
from kpi.metrics import KPI_IDS, Engine, Period, get_kpi
from kpi.share import (
    FORMULA_PREFIXES,
    LOCAL_OWNER,
    ReportOptions,
    Workspace,
    build_report,
    check_output_path,
    excel_number_format,
    open_store,
    report_period,
    to_csv_bytes,
    to_excel,
    to_html,
    write_report,
)
from tests.conftest import ROOT

GENERATED = dt.datetime(2026, 1, 5, 9, 30)
PLANTED = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)"]
KPIS = ("revenue", "orders", "aov", "gross_margin_pct", "win_rate", "sales_cycle_days", "nps")
GREEN, RED = "FFE6F4EA", "FFFCE8E6"


def _sample_report(samples: list[Table], lang: str = "fr", **extra: object):  # noqa: ANN202
    options = ReportOptions(
        kpis=KPIS,
        period="2025-06",
        targets={"revenue": 800_000.0, "gross_margin_pct": 0.35},
        lang=lang,
        **extra,  # type: ignore[arg-type]
    )
    return build_report(samples, options, generated=GENERATED)


def _workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _scorecard(wb: openpyxl.Workbook, sheet: str) -> dict[str, dict[str, object]]:
    """Scorecard rows by KPI id (found from its label: the sheet shows no internal code):
    {header: cell}."""
    ws = wb[sheet]
    rows = list(ws.iter_rows())
    header_index = next(i for i, r in enumerate(rows) if r[0].value in ("Indicateur", "KPI"))
    header = [c.value for c in rows[header_index]]
    assert "Code" not in header and header[-1] in ("Statut", "Status")
    ids = {get_kpi(k).label(lang): k for k in KPI_IDS for lang in ("fr", "en")}
    out = {}
    for r in rows[header_index + 1 :]:
        if r[0].value is None:
            break
        out[ids[r[0].value]] = dict(zip(header, r, strict=True))
    return out


# ---------------------------------------------------------------------------------------------
# Options and period


def test_options_read_analysis_settings_and_ignore_unknown_keys() -> None:
    settings = {
        "objectives": ["grow_revenue"],
        "kpis": ["revenue", "orders"],
        "granularity": "quarter",
        "period": "2025-Q2",
        "filters": {"region": ["Nord"]},
        "statuses": None,
        "targets": {"revenue": np.float64(1e6)},
        "drop_threshold": 0.2,
        "currency": None,
        "added_by_a_later_version": 1,
    }
    o = ReportOptions.from_settings(settings, lang="en")
    assert o.kpis == ("revenue", "orders") and o.granularity == "quarter"
    assert o.targets == {"revenue": 1e6} and isinstance(o.targets["revenue"], float)
    assert o.filters == {"region": ["Nord"]} and o.lang == "en" and o.drop_threshold == 0.2
    assert ReportOptions.from_settings({}).lang == i18n.DEFAULT_LANGUAGE


def test_period_follows_the_app_rules(samples: list[Table]) -> None:
    engine = Engine(samples)
    last = engine.as_of
    assert report_period(ReportOptions(), engine) == Period.containing(last, "month")
    assert report_period(ReportOptions(granularity="year"), engine) == Period.year(last.year)
    assert report_period(ReportOptions(period="2025-03"), engine).key == "2025-03"
    # a saved month while the granularity says quarter: stale, the latest quarter wins
    stale = ReportOptions(granularity="quarter", period="2025-03")
    assert report_period(stale, engine) == Period.containing(last, "quarter")
    assert report_period(ReportOptions(granularity="all"), engine).is_all
    with pytest.raises(PiloteError):
        report_period(ReportOptions(period="juin"), engine)


def test_report_needs_tables_and_a_computable_kpi() -> None:
    with pytest.raises(PiloteError) as exc:
        build_report([])
    assert exc.value.key == "report.no_tables"
    junk = Table("notes.csv", pd.DataFrame({"a": ["x", "y"]}))
    with pytest.raises(PiloteError) as exc:
        build_report([junk])
    assert exc.value.key == "report.no_kpi"
    with pytest.raises(PiloteError) as exc:
        build_report([junk], ReportOptions(kpis=("revnue",)))
    assert "revnue" in exc.value.message("en") and "revenue" in exc.value.message("en")


# ---------------------------------------------------------------------------------------------
# Excel


def test_excel_scorecard_values_formats_and_colours(samples: list[Table]) -> None:
    report = _sample_report(samples, "fr")
    engine = Engine(samples)
    expected = {
        r.id: r
        for r in engine.results(
            "2025-06", kpi_ids=KPIS, targets={"revenue": 800_000, "gross_margin_pct": 0.35}
        )
    }
    wb = _workbook(to_excel(report))
    names = wb.sheetnames
    assert names[:2] == ["Tableau de bord", "Définitions"] and names[-1] == "Sources"
    assert "Chiffre d'affaires" in names and "Chiffre d'affaires par produit" in names
    ws = wb["Tableau de bord"]
    assert ws["A1"].value == "Rapport Pilote — juin 2025"
    assert ws["B2"].value == "juin 2025"

    rows = _scorecard(wb, "Tableau de bord")
    assert list(rows) == list(KPIS)
    for kpi_id, row in rows.items():
        res = expected[kpi_id]
        assert row["Valeur"].value == pytest.approx(res.value)
        assert row["Période précédente"].value == pytest.approx(res.previous.value)
        assert row["Même période N-1"].value == pytest.approx(res.last_year.value)
    revenue, margin, orders = rows["revenue"], rows["gross_margin_pct"], rows["orders"]
    # money in euros after the number, percentages with a space (French)
    assert revenue["Valeur"].number_format == '#,##0.00 "€"'
    assert revenue["Objectif"].value == 800_000
    assert revenue["Atteinte"].value == pytest.approx(expected["revenue"].value / 800_000)
    assert revenue["Atteinte"].number_format == "0.0 %"
    assert revenue["Évolution"].value == pytest.approx(expected["revenue"].change)
    assert revenue["Évolution"].number_format.startswith("+0.0 %")
    assert margin["Valeur"].number_format == "0.0 %"
    # the change of a rate is in points: 100 × (value − previous)
    gm = expected["gross_margin_pct"]
    assert margin["Évolution"].value == pytest.approx(100 * (gm.value - gm.previous.value))
    assert '"pts"' in margin["Évolution"].number_format
    assert orders["Valeur"].number_format == "#,##0"
    assert rows["sales_cycle_days"]["Valeur"].number_format == '#,##0.0 "j"'
    # status colours: revenue beats its target (green), the margin misses it (red)
    assert revenue["Statut"].value == "Objectif atteint"
    assert revenue["Statut"].fill.fgColor.rgb == GREEN
    assert margin["Statut"].value == "Objectif manqué"
    assert margin["Statut"].fill.fgColor.rgb == RED
    assert orders["Statut"].value == "Pas d'objectif"
    # alerts under the table
    texts = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert "Alertes" in texts
    assert any("sous l'objectif" in t for t in texts)


def test_excel_definitions_trends_and_charts(samples: list[Table]) -> None:
    report = _sample_report(samples, "fr")
    wb = _workbook(to_excel(report))
    defs = wb["Définitions"]
    header = [c.value for c in defs[1]]
    assert header[:4] == ["Indicateur", "Description", "Formule", "Comment le lire"]
    assert defs["A2"].value == "Chiffre d'affaires"
    assert defs["C4"].value == "CA / commandes"  # aov
    trend = wb["Chiffre d'affaires"]
    assert [c.value for c in trend[1]] == ["Mois", "Chiffre d'affaires", "Remarque"]
    assert trend["A2"].value == dt.datetime(2024, 1, 1)
    assert trend["A2"].number_format == "[$-40C]mmmm yyyy"
    last = trend.max_row
    assert trend.cell(last, 1).value == dt.datetime(2025, 6, 1)  # up to the report's period
    monthly = Engine(samples).series("revenue", "month")
    june = monthly.loc[monthly["period"] == "2025-06", "value"].item()
    assert trend.cell(last, 2).value == pytest.approx(june)
    assert len(trend._charts) == 1
    # every KPI with a monthly series has its chart; the breakdown is a bar chart
    charts = [n for n in wb.sheetnames if wb[n]._charts]
    assert len(charts) == len(report.trends) == 8
    with zipfile.ZipFile(io.BytesIO(to_excel(report))) as z:
        chart_xml = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/")]
    assert sum("<c:lineChart>" in x for x in chart_xml) == 7
    assert sum("<c:barChart>" in x for x in chart_xml) == 1
    assert any("'Chiffre d''affaires'!$B$2:$B$19" in x for x in chart_xml)


def test_excel_in_english(samples: list[Table]) -> None:
    wb = _workbook(to_excel(_sample_report(samples, "en")))
    assert wb.sheetnames[:2] == ["Scorecard", "Definitions"]
    rows = _scorecard(wb, "Scorecard")
    assert rows["revenue"]["Value"].number_format == '"€"#,##0.00'
    assert rows["gross_margin_pct"]["Value"].number_format == "0.0%"
    assert rows["sales_cycle_days"]["Value"].number_format == '#,##0.0 "d"'
    assert rows["revenue"]["Status"].value == "Target met"
    assert wb["Revenue"]["A2"].number_format == "[$-809]mmmm yyyy"


def test_number_formats() -> None:
    assert excel_number_format("money", "fr", "USD") == '#,##0.00 "$US"'
    assert excel_number_format("money", "en", None) == "#,##0.00"
    assert excel_number_format("money", "fr", "EUR", axis=True) == '#,##0 "€"'
    assert excel_number_format("days", "en", suffix="/ day") == '#,##0.0 "d" "/ day"'


def _planted_orders(name: str = "=export.csv") -> Table:
    """Three months of orders whose customers and products are formula-like texts."""
    rows = []
    amounts = {PLANTED[0]: 500.0, PLANTED[1]: 300.0, PLANTED[2]: 200.0, PLANTED[3]: 100.0}
    for month in (4, 5, 6):
        for i, (product, amount) in enumerate(amounts.items()):
            rows.append(
                {
                    "Date": pd.Timestamp(2025, month, 3 + i),
                    "Client": PLANTED[(i + month) % 4],
                    "Produit": product,
                    "Montant": amount * month,
                }
            )
    df = pd.DataFrame(rows)
    df["Client"] = df["Client"].astype("str")
    df["Produit"] = df["Produit"].astype("str")
    mapping = {"date": "Date", "customer_id": "Client", "product": "Produit", "amount": "Montant"}
    return Table(name, df, "orders", mapping)


def test_no_cell_holds_a_formula_from_the_data() -> None:
    table = _planted_orders()
    report = build_report(
        [table], ReportOptions(kpis=("revenue", "orders", "customers")), generated=GENERATED
    )
    # the values are right: June = (500 + 300 + 200 + 100) × 6
    assert report.rows[0].value == pytest.approx(6_600.0)
    data = to_excel(report)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for n in z.namelist():
            if n.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(n).decode(), n
    wb = _workbook(data)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not c.value.startswith(FORMULA_PREFIXES), (ws.title, c.value)
    breakdown = wb["Chiffre d'affaires par produit"]
    labels = {breakdown.cell(r, 1).value: breakdown.cell(r, 2) for r in range(2, 6)}
    assert set(labels) == {"'" + p for p in PLANTED}
    assert all(c.data_type == "s" for c in breakdown["A"])
    assert labels["'" + PLANTED[0]].value == pytest.approx(3_000.0)  # 500 × 6, a number
    assert wb["Sources"]["A2"].value == "'=export.csv"
    # the same table as CSV: prefixed too
    frames = report.tables()
    text = to_csv_bytes(frames["Chiffre d'affaires par produit"], "fr").decode("utf-8-sig")
    cells = [cell for line in csv.reader(io.StringIO(text), delimiter=";") for cell in line]
    for planted in PLANTED:
        assert "'" + planted in cells
    assert not any(cell.startswith(FORMULA_PREFIXES) for cell in cells)
    text = to_csv_bytes(frames["Sources"], "en").decode("utf-8-sig")
    assert "'=export.csv" in text


def test_tab_and_carriage_return_are_neutralised_too() -> None:
    for name in ("\tsheet.csv", "\rsheet.csv"):
        report = build_report([_planted_orders(name)], ReportOptions(kpis=("revenue",)))
        wb = _workbook(to_excel(report))
        # (openpyxl leaves xlsx's escape of a carriage return, _x000D_, as it is)
        assert wb["Sources"]["A2"].value in ("'" + name, "'_x000D_sheet.csv")


# ---------------------------------------------------------------------------------------------
# HTML


def test_html_is_self_contained_and_escaped(samples: list[Table]) -> None:
    report = _sample_report(samples, "fr", title="<b>Client</b> & fils")
    page = to_html(report)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page
    assert "<script" not in page.lower()
    # nothing fetched from elsewhere: no http(s) link, no remote CSS, fonts or images
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.I)
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # and the browser is told so
    assert "&lt;b&gt;Client&lt;/b&gt; &amp; fils" in page and "<b>Client</b>" not in page
    assert page.count('<img src="data:image/svg+xml;base64,') == len(report.trends) == 8
    assert "@media print" in page and "@page" in page
    for row in report.rows:
        assert row.kpi.label("fr").replace("'", "&#x27;") in page
    assert "Objectif atteint" in page and "Définitions des indicateurs" in page


@pytest.mark.parametrize("charts", [True, False])
def test_html_escapes_data_inside_charts_and_tables(
    charts: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not charts:  # the chart data is then shown as tables, where names are visible
        monkeypatch.setitem(sys.modules, "vl_convert", None)
    table = _planted_orders("<script>alert(1)</script>.csv")
    df = table.df.copy()
    df.loc[df["Produit"] == "-2", "Produit"] = "<img src=x onerror=alert(1)>"
    page = to_html(build_report([replace(table, df=df)], ReportOptions()))
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in page
    if not charts:
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
    else:
        svgs = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", page)
        decoded = "".join(base64.b64decode(s).decode() for s in svgs)
        assert "&lt;img src=x onerror=alert(1)&gt;" in decoded and "<img" not in decoded


def test_control_characters_in_a_table_cost_neither_the_report_nor_the_server() -> None:
    # A table that did not come through the loader (which removes them): a vertical tab,
    # \x01 and U+FFFE in product names. vl-convert aborts its whole process on them; the
    # labels are cleaned for the chart and the charts are drawn in a worker anyway.
    table = _planted_orders()
    df = table.df.copy()
    products = sorted(df["Produit"].unique())
    dirty = {products[0]: "Nord\x0bEst", products[1]: "Sud\x01", products[2]: "Ouest\ufffe"}
    df["Produit"] = df["Produit"].replace(dirty)
    report = build_report([replace(table, df=df)], ReportOptions())
    page = to_html(report)
    svgs = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", page)
    assert len(svgs) == len(report.trends) >= 2
    decoded = "".join(base64.b64decode(s).decode() for s in svgs)
    assert "NordEst" in decoded and "\x0b" not in decoded and "\x01" not in decoded
    assert not any(c in page for c in "\x0b\x01\ufffe")
    with zipfile.ZipFile(io.BytesIO(to_excel(report))) as z:  # Excel calls such files damaged
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert "NordEst" in xml and not any(c in xml for c in "\x0b\x01\ufffe")


def test_html_without_vl_convert_shows_the_chart_data_as_tables(
    samples: list[Table], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "vl_convert", None)  # import fails
    page = to_html(_sample_report(samples, "en"))
    assert "data:image/svg+xml" not in page
    assert "<figcaption>Revenue by month</figcaption><table>" in page
    assert "June 2025" in page


# ---------------------------------------------------------------------------------------------
# Files


def test_write_report_checks_the_path_first(samples: list[Table], tmp_path: Path) -> None:
    report = _sample_report(samples, "en")
    out = write_report(report, tmp_path / "monthly.xlsx")
    assert _workbook(out.read_bytes()).sheetnames[0] == "Scorecard"
    assert (tmp_path / "monthly.html").exists() is False
    write_report(report, tmp_path / "monthly.HTML")
    assert (tmp_path / "monthly.HTML").read_text(encoding="utf-8").startswith("<!DOCTYPE")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    for bad, key in (
        (tmp_path / "r.pdf", "report.bad_extension"),
        (tmp_path / "nope" / "r.xlsx", "report.cannot_write"),
    ):
        with pytest.raises(PiloteError) as exc:
            check_output_path(bad)
        assert exc.value.key == key
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    with pytest.raises(PiloteError):
        write_report(report, folder)


# ---------------------------------------------------------------------------------------------
# Command line


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_report_matches_kpis_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(p) for p in sample_files(".csv")]
    out = tmp_path / "report.xlsx"
    args = ["--period", "2025-Q2", "--target", "revenue=2500000"]
    kpis = ["--kpi", "revenue", "--kpi", "aov", "--kpi", "win_rate", "--kpi", "nps"]
    code, stdout, err = _run(capsys, "report", *files, *args, *kpis, "--out", str(out))
    assert code == 0, err
    assert "report.xlsx: 4 KPIs, Q2 2025" in stdout
    code, stdout, err = _run(capsys, "kpis", *files, *args, "--json")
    assert code == 0, err
    reference = {k["id"]: k for k in json.loads(stdout)["kpis"]}
    rows = _scorecard(_workbook(out.read_bytes()), "Scorecard")
    assert list(rows) == ["revenue", "aov", "win_rate", "nps"]
    for kpi_id, row in rows.items():
        ref = reference[kpi_id]
        assert row["Value"].value == pytest.approx(ref["value"], rel=1e-9)
        assert row["Previous period"].value == pytest.approx(ref["previous"], rel=1e-9)
        assert row["Same period last year"].value == pytest.approx(ref["previous_year"])
    assert rows["revenue"]["Target"].value == 2_500_000
    assert rows["revenue"]["Attainment"].value == pytest.approx(reference["revenue"]["attainment"])


def test_cli_report_as_a_scheduled_command(tmp_path: Path) -> None:
    """The real entry point, as cron would run it: French HTML for the latest month."""
    out = tmp_path / "rapport.html"
    files = [str(p) for p in sample_files(".csv")]
    proc = subprocess.run(
        [sys.executable, "-m", "kpi", "report", *files, "--lang", "fr", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    # No objective: the headline KPIs of the sample data (10), revenue first.
    assert proc.stdout.startswith(f"{out} : 10 indicateurs, décembre 2025")
    assert "Rapport Pilote — décembre 2025" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["sample_data/ventes.csv", "--out", "r.pdf"], "must be an .xlsx"),
        (["sample_data/ventes.csv", "--out", "missing/folder/r.xlsx"], "Cannot write"),
        (["--out", "r.xlsx"], "Give at least one FILE"),
        (["sample_data/ventes.csv", "--out", "r.xlsx", "--kpi", "revnue"], "Unknown KPI"),
        (["sample_data/ventes.csv", "--out", "r.xlsx", "--period", "June"], "June"),
        (["sample_data/ventes.csv", "--out", "r.xlsx", "--workspace", "Nope"], "Nope"),
    ],
)
def test_cli_report_bad_input_exits_2_with_one_line(
    args: list[str],
    needle: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PILOTE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PILOTE_DATABASE_URL", raising=False)
    monkeypatch.chdir(ROOT)
    args = [a if not a.startswith(("r.", "missing")) else str(tmp_path / a) for a in args]
    code, out, err = _run(capsys, "report", *args)
    assert code == 2
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "r.xlsx").exists()


def test_cli_report_from_a_saved_workspace(
    samples: list[Table],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PILOTE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PILOTE_DATABASE_URL", raising=False)
    store = open_store(data_dir=tmp_path)
    # the user confirmed the orders without their cost column: no margin
    orders = next(t for t in samples if t.kind == "orders")
    mapping = {r: c for r, c in orders.mapping.items() if r != "cost"}
    tables = [t.with_mapping(mapping) if t is orders else t for t in samples]
    settings = {
        "kpis": ["revenue", "gross_margin", "win_rate"],
        "granularity": "month",
        "period": "2025-03",
        "targets": {"revenue": 900_000.0},
        "filters": {},
        "statuses": None,
    }
    store.save(Workspace("Client Durand", LOCAL_OWNER, tables, settings))

    # 1. the workspace's own tables and saved period
    out = tmp_path / "saved.xlsx"
    code, stdout, err = _run(
        capsys, "report", "--workspace", "Client Durand", "--out", str(out), "--lang", "fr"
    )
    assert code == 0, err
    assert "mars 2025" in stdout
    rows = _scorecard(_workbook(out.read_bytes()), "Tableau de bord")
    assert list(rows) == ["revenue", "gross_margin", "win_rate"]
    assert rows["revenue"]["Objectif"].value == 900_000
    assert rows["gross_margin"]["Valeur"].value is None  # the cost column is not mapped

    # 2. next month's export with the same columns: the saved mapping, the latest month
    out = tmp_path / "next.xlsx"
    files = [str(p) for p in sample_files(".csv")]
    code, stdout, err = _run(
        capsys, "report", *files, "--workspace", "Client Durand", "--out", str(out)
    )
    assert code == 0, err
    assert "December 2025" in stdout
    wb = _workbook(out.read_bytes())
    rows = _scorecard(wb, "Scorecard")
    assert rows["gross_margin"]["Value"].value is None
    sheet = wb["Sources"]
    sources = {sheet.cell(r, 1).value: sheet.cell(r, 5).value for r in range(2, sheet.max_row + 1)}
    assert "Cost" not in sources["ventes.csv"] and "Amount ← Montant HT" in sources["ventes.csv"]

    # 3. --map on top of the saved mapping brings the cost back
    out = tmp_path / "mapped.xlsx"
    code, _, err = _run(
        capsys,
        "report",
        *files,
        "--workspace",
        "Client Durand",
        "--map",
        "cost=Coût",
        "--out",
        str(out),
    )
    assert code == 0, err
    rows = _scorecard(_workbook(out.read_bytes()), "Scorecard")
    assert rows["gross_margin"]["Value"].value > 0

    # 4. another owner cannot use it
    code, _, err = _run(
        capsys,
        "report",
        "--workspace",
        "Client Durand",
        "--owner",
        "https://idp|bob",
        "--out",
        str(tmp_path / "bob.xlsx"),
    )
    assert code == 2 and "Client Durand" in err
