"""Dependencies point one way: ui -> domain -> adapters/store. Below ui nothing imports Textual.

(Rich is not checked: httpx itself imports it when its optional CLI dependencies are installed.)
"""

from __future__ import annotations

import subprocess
import sys

import pytest

NON_UI_MODULES = [
    "frontline.domain.models",
    "frontline.services.desk",
    "frontline.domain.text",
    "frontline.domain.queue",
    "frontline.domain.compose",
    "frontline.connectors.zendesk.client",
    "frontline.connectors.jsm.client",
    "frontline.connectors.registry",
    "frontline.store.drafts",
    "frontline.credentials",
    "frontline.cli.scripting",
    "frontline.cli.output",
    "frontline.sandbox.server",
    "frontline.connectors.http",
    "frontline.domain.ports",
    "frontline.config",
    "frontline.errors",
    "frontline.cli",
]


@pytest.mark.parametrize("module", NON_UI_MODULES)
def test_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"{module} pulled in {result.stdout.strip()}"
