"""Command line: the same engine as the app, for automation.

``python -m kpi inspect FILE [--sheet NAME] [--json]`` prints how a file was read, its kind and
its column roles. Exit codes: 0 success, 2 bad input or bad arguments (one clear line on stderr,
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
        "cli.unknown_role": {
            "fr": "Rôle inconnu « {role} ». Rôles valides : {roles}.",
            "en": "Unknown role '{role}'. Valid roles: {roles}.",
        },
    }
)
