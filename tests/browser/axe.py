"""Run axe-core (from node_modules, pinned by package-lock.json) in a live page.

``AxeAudit`` collects the violations of every page it is shown, so that one
failing test lists every problem on every page, each with the rule id, its
impact, the elements (CSS targets) and axe's help text and link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Page

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0/2.1 A and AA, the WCAG 2.2 AA additions, and axe's best practices.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")

_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return {
    violations: result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
    })),
    passes: result.passes.length,
  };
}"""


def describe(where: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{where}: {len(violations)} axe violation(s)"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            summary = " ".join(str(node["summary"] or "").split())
            lines.append(f"      at {node['target']}: {summary}")
    return "\n".join(lines)


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Inject axe-core into the page as it is now and return its violations."""
    if not AXE_JS.is_file():
        raise AssertionError(f"{AXE_JS} is missing: `make assets` installs axe-core")
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.add_script_tag(path=str(AXE_JS))
    result: dict[str, Any] = await page.evaluate(_RUN_AXE, list(AXE_TAGS))
    # A page axe found nothing to test on would pass vacuously.
    assert result["passes"] > 0, f"axe checked nothing on {page.url}"
    violations: list[dict[str, Any]] = result["violations"]
    return violations


@dataclass
class AxeAudit:
    """Audit many page states; ``assert_clean()`` fails listing all of them."""

    checked: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    async def check(self, page: Page, label: str) -> None:
        where = f"{label} ({urlsplit(page.url).path})"
        self.checked.append(label)
        violations = await axe_violations(page)
        if violations:
            self.failures.append(describe(where, violations))

    def assert_clean(self) -> None:
        assert not self.failures, "\n\n".join(self.failures)
