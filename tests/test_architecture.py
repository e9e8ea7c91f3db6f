"""The engine stays UI-free and the layout stays as the brief says."""

from __future__ import annotations

import ast
import re
from pathlib import Path

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


def test_no_streamlit_data_cache_on_user_data() -> None:
    # st.cache_data hashes large DataFrames from a sample of rows: two users' files could
    # share an entry. User data is cached per session only (session_state) or, in kpi/, by
    # object identity held weakly; st.cache_resource is for the process-wide resources (the
    # workspace store, the worker's start, the memory trimmer).
    allowed_resource = {"ui/state.py", "ui/memory.py"}
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        rel = str(path.relative_to(ROOT))
        assert "cache_data" not in used, rel
        if rel not in allowed_resource:
            assert "cache_resource" not in used, rel


def test_app_script_keeps_no_data_in_its_globals() -> None:
    # app.py's module stays sys.modules["__main__"] after a run until the next run of any
    # session: a module-level loop variable kept the last user's table alive after they left.
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    loops = [n for n in tree.body if isinstance(n, (ast.For, ast.While, ast.With))]
    assert [ast.unparse(n).splitlines()[0] for n in loops if _binds_names(n)] == []


def _binds_names(node: ast.AST) -> bool:
    """Whether a module-level statement binds a global other than widgets' own keys."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.For):
            return True
        if isinstance(sub, ast.Assign | ast.AnnAssign | ast.AugAssign):
            return True
    return False


# -- no private name across packages ----------------------------------------------------------
# A package is one of kpi's sub-packages (kpi.data, kpi.metrics…), a top-level module of kpi
# (kpi.i18n, kpi.cli…), ui, or one page script. Inside a package, modules may share private
# names (scikit-learn's style); across packages, only public names.

APP_FOLDERS = ("kpi", "ui", "pages")


def _package(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "kpi" and len(parts) >= 2:
        return ".".join(parts[:2])
    return parts[0] if parts[0] in ("ui", "kpi") else module


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def private_imports(source: str, module: str) -> list[str]:
    """``module``'s imports of private names (``_x``, not dunders) from another package:
    ``from a.b import _x``, and ``b._x`` on a module ``b`` imported from another package."""
    here = _package(module)
    tree = ast.parse(source)
    found: list[str] = []
    aliases: dict[str, str] = {}  # local name → module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                aliases[alias.asname or alias.name] = target
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                if (
                    private
                    and _package(node.module) != here
                    and node.module.split(".")[0]
                    in (
                        "kpi",
                        "ui",
                    )
                ):
                    found.append(f"{module}: from {node.module} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and node.value.id in aliases
        ):
            target = aliases[node.value.id]
            if target.split(".")[0] in ("kpi", "ui") and _package(target) != here:
                found.append(f"{module}: {node.value.id}.{node.attr}")
    return found


def _app_sources() -> list[tuple[Path, str]]:
    paths = [ROOT / "app.py"]
    for folder in APP_FOLDERS:
        paths += sorted((ROOT / folder).rglob("*.py"))
    return [(p, _module_name(p)) for p in paths]


def test_no_private_name_imported_across_packages() -> None:
    offenders = []
    for path, module in _app_sources():
        offenders += private_imports(path.read_text(encoding="utf-8"), module)
    assert offenders == []


def test_the_private_import_check_catches_a_violation() -> None:
    # the check itself must fail on what it forbids, and allow what it allows
    assert private_imports("from kpi.metrics.prepared import _KeyLocks\n", "kpi.explore.trends")
    assert private_imports("from kpi.metrics import prepared\nprepared._KeyLocks\n", "ui.state")
    assert private_imports("import kpi.data.loading as ld\nld._decode(b'')\n", "pages.data")
    assert private_imports("from ui.state import _bump\n", "pages.share")
    assert not private_imports("from kpi.metrics.prepared import _KeyLocks\n", "kpi.metrics.x")
    assert not private_imports("from kpi.scoring.values import _norm\n", "kpi.scoring.rules")
    assert not private_imports("from kpi.metrics import prepared\n", "kpi.explore.trends")
    assert not private_imports("import numpy as np\nnp._NoValue\n", "kpi.metrics.engine")


# Declarative data (records, synonyms, message tables) may run long; code may not.
DECLARATIVE = {"kpi/metrics/catalogue.py", "kpi/data/roles.py", "kpi/data/sources/_registry.py"}


def test_no_code_module_over_800_lines() -> None:
    long = []
    for path in sorted((ROOT / "kpi").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > 800 and rel not in DECLARATIVE:
            long.append((rel, n))
    assert long == []


def test_one_accent_folding() -> None:
    # kpi.text.fold is the one place that drops accents (the six helpers it replaced drifted
    # apart); everything else calls it.
    offenders = []
    for path, module in _app_sources():
        if module != "kpi.text" and "unicodedata.normalize" in path.read_text(encoding="utf-8"):
            offenders.append(module)
    assert offenders == []


def test_the_readme_layout_names_files_that_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout")[1].split("\n## Choices")[0]
    paths = set(re.findall(r"`((?:kpi|ui|pages|tests|bench|sample_data)/[\w/.<>-]*)`", layout))
    paths = {p for p in paths if "<" not in p}
    being_written = {"kpi/data/sources.py"}  # said so in the README
    missing = sorted(p for p in paths - being_written if not (ROOT / p).exists())
    assert len(paths) > 10 and missing == []


def test_the_cli_kpis_path_does_not_import_scipy_or_altair() -> None:
    """`python -m kpi kpis` pays only for what it uses: scipy (the CLV model's fit, ~1 s to
    import) and Altair (charts) are imported where they are used, not by the modules the
    command loads."""
    import subprocess
    import sys

    code = (
        "import sys, kpi.cli, kpi.share.json_export, kpi.explore; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'scipy', 'altair', 'sklearn'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
