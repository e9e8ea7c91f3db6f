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


def test_no_streamlit_data_cache_on_user_data() -> None:
    # st.cache_data hashes large DataFrames from a sample of rows: two users' files could
    # share an entry. User data is cached per session only (session_state) or, in kpi/, by
    # object identity held weakly; st.cache_resource is for the two process-wide resources.
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
