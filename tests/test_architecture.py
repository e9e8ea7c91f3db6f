"""The engine stays UI-free and the layout stays as the brief says."""

from __future__ import annotations

import ast

from tests.conftest import ROOT


def test_kpi_never_imports_streamlit() -> None:
    offenders = []
    for path in (ROOT / "kpi").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_required_layout() -> None:
    for name in ("app.py", "pages", "kpi", "sample_data", "tests", "requirements.txt", "README.md"):
        assert (ROOT / name).exists(), name


def test_requirements_are_pinned() -> None:
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            assert "==" in line, f"unpinned: {line}"


def test_no_unsafe_html() -> None:
    for folder in ("pages", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "unsafe_allow_html=True" not in path.read_text(encoding="utf-8"), path


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci and "make test" in readme


def test_every_page_runs_inside_the_shell() -> None:
    for path in (ROOT / "pages").glob("*.py"):
        assert "require_shell()" in path.read_text(encoding="utf-8"), path.name
