"""Architecture boundaries, checked on the source with ``ast`` (nothing imported).

1. device_drivers/** never imports the app or web/database/network stacks:
   the drivers must stay reusable and testable without the kiosk.
2. The pure protocol modules (sans-I/O parsers and framing) import no I/O
   library, no clock and no logging, directly or through another
   device_drivers module, and call no I/O builtin or clock. They are bytes
   in, values out (style-anchors.md §4 "Pure code").

Files are found by glob, so new serial protocols are covered as they land.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "device_drivers"
DRIVERS = ROOT / PACKAGE

FORBIDDEN_IN_DRIVERS = frozenset({"kiosk_app", "fastapi", "sqlmodel", "httpx"})
# importlib too: a dynamic import would slip past this check.
FORBIDDEN_IN_PURE = FORBIDDEN_IN_DRIVERS | {
    "bleak",
    "serial",
    "asyncio",
    "socket",
    "logging",
    "time",
    "importlib",
}
# I/O builtins, and clock reads such as datetime.now() or date.today().
FORBIDDEN_CALLS = frozenset({"open", "print", "input", "__import__"})
FORBIDDEN_METHODS = frozenset({"now", "utcnow", "today"})

# The BLE parsers must exist (renaming one must not silently drop it from
# the check); serial protocol modules are picked up whenever they exist.
REQUIRED_PURE = (
    "ble/ieee11073.py",
    "ble/bp_measurement.py",
    "ble/gatt_values.py",
    "ble/quirks.py",
    "ble/to_events.py",
    "ble/clock.py",
    "ble/known_devices.py",
    "ble/reading_filter.py",
    "plausibility.py",
    "events.py",
    "serial/framing.py",
    "serial/suntech_protocol.py",
    "serial/omron_protocol.py",
    "serial/tanita_protocol.py",
    "serial/profiles.py",
)
PURE_GLOBS = (*REQUIRED_PURE, "serial/*protocol*.py")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    """Absolute dotted names of everything ``path`` imports."""
    is_package = path.name == "__init__.py"
    return _imports_in(path.read_text(encoding="utf-8"), _module_name(path), is_package)


def _imports_in(source: str, module: str, is_package: bool) -> Iterator[str]:
    # Relative imports are resolved against the importing module's package.
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{target}" if target else base
            yield target
            # "from package import submodule" imports the submodule too.
            yield from (f"{target}.{alias.name}" for alias in node.names)


def _source_of(module: str) -> Path | None:
    """The file of a device_drivers module, or None (outside, or a plain name)."""
    if module.split(".")[0] != PACKAGE:
        return None
    candidate = ROOT.joinpath(*module.split("."))
    for path in (candidate.with_suffix(".py"), candidate / "__init__.py"):
        if path.is_file():
            return path
    return None


def _top(module: str) -> str:
    return module.split(".")[0]


def _driver_files() -> list[Path]:
    return sorted(DRIVERS.rglob("*.py"))


def _pure_files() -> list[Path]:
    return sorted({path for pattern in PURE_GLOBS for path in DRIVERS.glob(pattern)})


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_required_pure_modules_exist() -> None:
    missing = [name for name in REQUIRED_PURE if not (DRIVERS / name).is_file()]
    assert not missing


@pytest.mark.parametrize("path", _driver_files(), ids=_id)
def test_drivers_do_not_import_the_app_or_its_stacks(path: Path) -> None:
    bad = sorted({m for m in _imports(path) if _top(m) in FORBIDDEN_IN_DRIVERS})
    assert not bad, f"{_id(path)} imports {bad}"


@pytest.mark.parametrize("path", _pure_files(), ids=_id)
def test_pure_modules_import_no_io_even_indirectly(path: Path) -> None:
    # Follow imports into other device_drivers modules: a pure module that
    # imports a transport is not pure. (Parent package __init__ files are
    # not followed; they only re-export.)
    seen: dict[Path, list[str]] = {}
    pending = [(path, [_id(path)])]
    while pending:
        current, chain = pending.pop()
        if current in seen:
            continue
        seen[current] = chain
        for module in _imports(current):
            if _top(module) in FORBIDDEN_IN_PURE:
                pytest.fail(f"{' -> '.join(chain)} imports {module}")
            source = _source_of(module)
            if source is not None and source not in seen:
                pending.append((source, [*chain, _id(source)]))


@pytest.mark.parametrize("path", _pure_files(), ids=_id)
def test_pure_modules_call_no_io_or_clock(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
            pytest.fail(f"{_id(path)}:{node.lineno} calls {func.id}()")
        if isinstance(func, ast.Attribute) and func.attr in FORBIDDEN_METHODS:
            pytest.fail(f"{_id(path)}:{node.lineno} calls .{func.attr}()")


def test_the_checker_resolves_relative_imports() -> None:
    source = "from . import x\nfrom ..errors import FrameError\nimport time, bleak.exc\n"
    found = set(_imports_in(source, "device_drivers.ble.probe", is_package=False))
    assert found == {
        "device_drivers.ble",
        "device_drivers.ble.x",
        "device_drivers.errors",
        "device_drivers.errors.FrameError",
        "time",
        "bleak.exc",
    }
    as_package = set(_imports_in("from .quirks import Q\n", "device_drivers.ble", True))
    assert "device_drivers.ble.quirks" in as_package
    assert _source_of("device_drivers.ble.quirks") == DRIVERS / "ble" / "quirks.py"
    assert _source_of("device_drivers.errors.FrameError") is None  # a name, not a module
    assert _source_of("decimal") is None
