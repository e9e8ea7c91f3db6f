"""Command line: the same engine as the app, for automation.

``python -m kpi inspect FILE [--sheet NAME] [--json]`` prints how a file was read, its kind and
its column roles; ``python -m kpi kpis FILE [FILE ...] [--objective ID ...] [--period P]
[--map ROLE=COLUMN ...] [--target KPI=VALUE ...] [--lang fr|en] [--json]`` computes the KPIs. Exit codes: 0 success, 2 bad input or bad arguments (one clear line on stderr,
never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from kpi import i18n
from kpi.dataset import Table
from kpi.errors import PiloteError
from kpi.loading import load_path
from kpi.roles import ROLE_IDS, ROLES_BY_ID, detect_kind, validate_mapping


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line, as for any other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message}\n")


def _lang_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=i18n.LANGUAGES, default="en", help="message language")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m kpi", description="Pilote: sales KPIs from your exports.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("inspect", help="how a file is read, its kind and column roles")
    p.add_argument("file")
    p.add_argument("--sheet", help="sheet of a workbook (default: the largest table)")
    p.add_argument("--map", action="append", default=[], metavar="ROLE=COLUMN")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _lang_arg(p)
    p.set_defaults(func=cmd_inspect)

    p = sub.add_parser("kpis", help="KPIs of one or several files (each recognised by its kind)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--objective", action="append", default=[], metavar="ID")
    p.add_argument("--period", default="all", help="all, 2024, 2024-Q1, 2024-03 or a..b")
    p.add_argument("--map", action="append", default=[], metavar="ROLE=COLUMN")
    p.add_argument("--target", action="append", default=[], metavar="KPI=VALUE")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _lang_arg(p)
    p.set_defaults(func=cmd_kpis)
    return parser


def parse_map_args(items: Sequence[str]) -> dict[str, str]:
    """``ROLE=COLUMN`` pairs → dict; unknown roles raise with the list of valid ones."""
    out: dict[str, str] = {}
    for item in items:
        role, sep, column = item.partition("=")
        role = role.strip()
        if not sep or not column:
            raise PiloteError("cli.bad_map", item=item)
        if role not in ROLES_BY_ID:
            raise PiloteError("cli.unknown_role", role=role, roles=", ".join(ROLE_IDS))
        out[role] = column.strip()
    return out


def apply_map(table: Table, overrides: dict[str, str]) -> Table:
    """Apply user ``--map`` overrides on top of the detected mapping, validated."""
    if not overrides:
        return table
    mapping = {r: c for r, c in table.mapping.items() if c not in overrides.values()}
    mapping.update(overrides)
    validate_mapping(table.df, mapping)
    return table.with_mapping(mapping, kind=detect_kind(mapping))


def inspect_json(table: Table, lang: str = "en") -> dict[str, Any]:
    """The ``inspect --json`` document."""
    assert table.report is not None
    report = table.report.to_dict(lang)
    return {
        "file": report["file"],
        "rows": report["rows"],
        "columns": report["columns"],
        "kind": table.kind,
        "mapping": dict(table.mapping),
        "confidence": dict(table.confidence),
        "format": report["format"],
        "column_types": report["column_types"],
        "dropped": report["dropped"],
        "dropped_columns": report["dropped_columns"],
        "warnings": report["warnings"],
    }


def cmd_inspect(args: argparse.Namespace) -> int:
    table = apply_map(load_path(args.file, sheet=args.sheet), parse_map_args(args.map))
    doc = inspect_json(table, args.lang)
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
        return 0
    lang = args.lang
    fmt = doc["format"]
    print(
        f"{doc['file']}: {doc['rows']} rows × {len(doc['columns'])} columns — kind: {doc['kind']}"
    )
    print(
        f"  encoding {fmt['encoding']}, delimiter {fmt['delimiter']!r}, decimal {fmt['decimal']!r}, "
        f"header row {fmt['header_row']}"
        + (f", sheet {fmt['sheet']!r} of {fmt['sheets']}" if fmt["sheet"] else "")
    )
    print("  roles:")
    for role, col in doc["mapping"].items():
        label = ROLES_BY_ID[role].label_fr if lang == "fr" else ROLES_BY_ID[role].label_en
        print(f"    {role:<15} ← {col}  ({label}, {doc['confidence'].get(role, 1.0):.0%})")
    for d in doc["dropped"]:
        print(f"  dropped: {d['reason']}")
    for w in doc["warnings"]:
        print(f"  warning: {w}")
    return 0


def load_many(files: Sequence[str], overrides: dict[str, str]) -> list[Table]:
    """Load each file; ``--map`` overrides apply to the files that have the named columns."""
    tables = []
    for f in files:
        table = load_path(f)
        mine = {r: c for r, c in overrides.items() if c in table.df.columns}
        tables.append(apply_map(table, mine))
    missing = {c for c in overrides.values() if not any(c in t.df.columns for t in tables)}
    if missing:
        columns = sorted({str(c) for t in tables for c in t.df.columns})
        raise PiloteError(
            "cli.map_no_column", columns=", ".join(sorted(missing)), available=", ".join(columns)
        )
    return tables


def parse_targets(items: Sequence[str]) -> dict[str, float]:
    from kpi.catalogue import KPI_IDS

    out: dict[str, float] = {}
    for item in items:
        kpi_id, sep, value = item.partition("=")
        if kpi_id not in KPI_IDS:
            raise PiloteError("cli.unknown_kpi", kpi=kpi_id, kpis=", ".join(KPI_IDS))
        try:
            out[kpi_id] = float(value.replace(",", "."))
        except ValueError as exc:
            raise PiloteError("cli.bad_target", item=item) from exc
    return out


def cmd_kpis(args: argparse.Namespace) -> int:
    from kpi.catalogue import check_objectives
    from kpi.compute import kpis_json
    from kpi.periods import parse_period

    # Check the cheap arguments before reading any file.
    objectives = list(args.objective) or None
    if objectives:
        check_objectives(objectives)
    period = parse_period(args.period)
    overrides = parse_map_args(args.map)
    targets = parse_targets(args.target)
    tables = load_many(args.files, overrides)
    doc = kpis_json(tables, objectives, period, args.lang, targets or None)
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
        return 0
    period_doc = doc["period"]
    label = period_doc.get("label") if isinstance(period_doc, dict) else period_doc
    print(f"{label} — " + ", ".join(t.name for t in tables))
    vs = i18n.t("cli.vs_previous", args.lang)
    for k in doc["kpis"]:
        shown = k.get("formatted") or ("–" if k["value"] is None else k["value"])
        change = k.get("change")
        extra = ""
        if change is not None:
            extra = f"  ({change:+.1%} {vs})"
        if k["value"] is None and k.get("reason"):
            extra = f"  ({k['reason']})"
        print(f"  {k['label']:<40} {shown}{extra}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", "en")
    try:
        return int(args.func(args) or 0)
    except PiloteError as exc:
        print(f"error: {exc.message(lang)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


i18n.add_messages(
    {
        "cli.bad_map": {
            "fr": '« {item} » : écrivez --map ROLE=COLONNE, par exemple --map amount="Montant HT".',
            "en": "'{item}': write --map ROLE=COLUMN, e.g. --map amount=\"Net amount\".",
        },
        "cli.map_no_column": {
            "fr": "Aucun fichier n'a la ou les colonnes {columns}. Colonnes disponibles : {available}.",
            "en": "No file has the column(s) {columns}. Available columns: {available}.",
        },
        "cli.vs_previous": {"fr": "vs période précédente", "en": "vs previous period"},
        "cli.unknown_kpi": {
            "fr": "Indicateur inconnu « {kpi} ». Indicateurs valides : {kpis}.",
            "en": "Unknown KPI '{kpi}'. Valid KPIs: {kpis}.",
        },
        "cli.bad_target": {
            "fr": "« {item} » : écrivez --target KPI=VALEUR, par exemple --target revenue=250000.",
            "en": "'{item}': write --target KPI=VALUE, e.g. --target revenue=250000.",
        },
        "cli.unknown_role": {
            "fr": "Rôle inconnu « {role} ». Rôles valides : {roles}.",
            "en": "Unknown role '{role}'. Valid roles: {roles}.",
        },
    }
)
