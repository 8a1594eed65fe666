"""NHS.UK components that look the same for every resident, rendered once.

The ``nhsuk-frontend-jinja`` macros are careful and general: a button goes
through the component's template and its attribute macros, about 0.2 ms on
the kiosk's CPU, and a results page has several. A "Continue" button, a
"Back" link or "Finish and clear my answers" is the same HTML for every
resident who reads that language, so each environment (one per language)
renders it once and keeps it.

Only for parameters that are **the same for every resident**: translated
labels and fixed links. Anything personal (an answer, a reading, a name)
must never go through here, because the cache outlives the resident's
session (docs/privacy.md). Components that wrap a ``caller()`` block are
not cached either: their content is the caller's.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

# Ample for every fixed component of every page in one language (~25 today);
# the bound only matters if a template ever passes something varying.
MAX_ENTRIES = 128


def macro_name(component: str) -> str:
    """The macro a component's ``macro.jinja`` defines: ``back-link`` → ``backLink``."""
    first, *rest = component.split("-")
    return first + "".join(word.capitalize() for word in rest)


class FixedComponents:
    """A Jinja global: ``{{ fixed("button", {"text": _("Continue")}) }}``.

    Renders the named NHS.UK component with ``params`` through its own
    macro the first time, and returns the same markup afterwards.
    """

    def __init__(self, environment: Environment, max_entries: int = MAX_ENTRIES) -> None:
        self._environment = environment
        self._max_entries = max_entries
        self._rendered: OrderedDict[str, Markup] = OrderedDict()

    def __len__(self) -> int:
        return len(self._rendered)

    def __call__(self, component: str, params: Mapping[str, Any]) -> Markup:
        # str() first: translated labels arrive as Markup, which is a str.
        key = json.dumps([component, params], sort_keys=True, default=str)
        cached = self._rendered.get(key)
        if cached is not None:
            self._rendered.move_to_end(key)
            return cached
        template = self._environment.get_template(f"nhsuk/components/{component}/macro.jinja")
        macro = getattr(template.module, macro_name(component))
        rendered = Markup(macro(dict(params)))  # noqa: S704 (the NHS.UK macro's own escaped output)
        self._rendered[key] = rendered
        if len(self._rendered) > self._max_entries:
            self._rendered.popitem(last=False)
        return rendered
