"""Only upstream/crypto.py may import nacl (docs/sync-protocol.md; style-anchors.md habit 14)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

UPSTREAM = Path(__file__).resolve().parents[2] / "upstream"
CRYPTO = UPSTREAM / "crypto.py"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(
    "path", sorted(UPSTREAM.rglob("*.py")), ids=lambda p: str(p.relative_to(UPSTREAM.parent))
)
def test_only_the_crypto_module_imports_nacl(path: Path) -> None:
    if path == CRYPTO:
        assert "nacl" in _imports(path)
    else:
        assert "nacl" not in _imports(path), f"{path} imports nacl: move that into crypto.py"


def test_nothing_imports_nacl_by_a_back_door() -> None:
    for path in UPSTREAM.rglob("*.py"):
        if path != CRYPTO:
            assert "importlib" not in _imports(path), path
            assert "__import__" not in path.read_text(encoding="utf-8"), path
