"""Run axe-core (from node_modules, pinned by package-lock.json) in a live page.

``AxeAudit`` collects the violations of every page it is shown, so that one
failing test lists every problem on every page, each with the rule id, its
impact, the element (CSS target), why it fails, and axe's help text and link.
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
    """Audit many page states; ``assert_clean()`` fails listing all of them.

    The failure groups identical findings (same rule, element and reason) and
    names every page state they were found on, so 30 pages sharing one layout
    bug read as one finding, not 30.
    """

    checked: list[str] = field(default_factory=list)
    findings: dict[tuple[str, ...], list[str]] = field(default_factory=dict)

    async def check(self, page: Page, label: str) -> None:
        where = f"{label} ({urlsplit(page.url).path})"
        self.checked.append(label)
        for v in await axe_violations(page):
            for node in v["nodes"]:
                summary = " ".join(str(node["summary"] or "").split())
                key = (
                    v["id"],
                    str(v["impact"]),
                    v["help"],
                    v["helpUrl"],
                    str(node["target"]),
                    summary,
                )
                self.findings.setdefault(key, []).append(where)

    def assert_clean(self) -> None:
        if not self.findings:
            return
        lines = [f"axe found {len(self.findings)} violation(s) on {len(self.checked)} page states:"]
        for (rule, impact, help_, url, target, summary), pages in self.findings.items():
            lines.append(f"\n[{impact}] {rule}: {help_}\n  element: {target}\n  why: {summary}")
            lines.append(f"  help: {url}\n  on {len(pages)} page state(s): " + "; ".join(pages))
        raise AssertionError("\n".join(lines))
