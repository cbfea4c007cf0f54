"""The layering holds at run time: what each layer loads when imported on its own, and module sizes.

The full import graph is checked by `lint-imports` (contracts in pyproject.toml, run by `.ci/check`); these
tests pin what a user feels: importing the domain never loads HTTP, Textual or the sandbox.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "frontline"
MAX_MODULE_LINES = 450


def modules_under(*packages: str) -> list[str]:
    names: list[str] = []
    for package in packages:
        root = PACKAGE.parent / package.replace(".", "/")
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def loaded_after_import(module: str, roots: tuple[str, ...]) -> list[str]:
    code = (
        f"import sys, {module}\n"
        f"roots = {roots!r}\n"
        "loaded = [m for m, module in sys.modules.items() if module is not None]  # None: blocked\n"
        "bad = sorted(m for m in loaded if m.split('.')[0] in roots or m.startswith('frontline.sandbox'))\n"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [name for name in result.stdout.strip().split(",") if name]


@pytest.mark.parametrize("module", modules_under("frontline.domain"))
def test_domain_module_loads_no_http_ui_database_or_sandbox(module: str) -> None:
    loaded = loaded_after_import(module, ("httpx", "textual", "rich", "sqlite3", "starlette", "uvicorn"))
    assert loaded == [], f"{module} pulled in {loaded}"


@pytest.mark.parametrize(
    "module",
    [
        *modules_under("frontline.services", "frontline.store"),
        "frontline.bootstrap",
        "frontline.config",
        "frontline.credentials",
        "frontline.errors",
        "frontline.connectors.http",
        "frontline.connectors.registry",
    ],
)
def test_module_below_the_ui_does_not_import_textual(module: str) -> None:
    loaded = [name for name in loaded_after_import(module, ("textual",)) if name.startswith("textual")]
    assert loaded == [], f"{module} pulled in {loaded}"


def test_no_module_is_over_the_size_limit() -> None:
    sizes = {
        str(path.relative_to(PACKAGE.parent)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    too_big = {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES}
    assert too_big == {}, f"split these along their seams: {too_big}"
