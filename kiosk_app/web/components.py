"""Markup that is the same for every resident, rendered once per language.

The ``nhsuk-frontend-jinja`` macros are careful and general: a button goes
through the component's template and its attribute macros, about 0.2 ms on
the kiosk's CPU, and a results page has several. A "Continue" button, a
"Back" link or "Finish and clear my answers" is the same HTML for every
resident who reads that language, so each environment (one per language)
renders it once and keeps it. So is a service's card in "Where to get help":
it comes from the public directory, not from the resident.

Only for parameters that are **the same for every resident**: translated
labels and fixed links. Anything personal (an answer, a reading, a name)
must never go through here, because the cache outlives the resident's
session (docs/privacy.md). Components that wrap a ``caller()`` block are
not cached either: their content is the caller's.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

# Ample for every fixed component of every page in one language (~25 today)
# and every service card (~40);
# the bound only matters if a template ever passes something varying.
MAX_ENTRIES = 256


def macro_name(component: str) -> str:
    """The macro a component's ``macro.jinja`` defines: ``back-link`` → ``backLink``."""
    first, *rest = component.split("-")
    return first + "".join(word.capitalize() for word in rest)


class RenderedOnce:
    """Two Jinja globals over one bounded store of rendered markup.

    ``{{ fixed("button", {"text": _("Continue")}) }}`` renders the named
    NHS.UK component with ``params`` through its own macro the first time
    and returns the same markup afterwards.

    ``{{ once(key, macro, *args) }}`` does the same for one of our own
    macros; ``key`` (hashable) must name everything the output depends on.
    """

    def __init__(self, environment: Environment, max_entries: int = MAX_ENTRIES) -> None:
        self._environment = environment
        self._max_entries = max_entries
        self._rendered: OrderedDict[Hashable, Markup] = OrderedDict()

    def __len__(self) -> int:
        return len(self._rendered)

    def component(self, component: str, params: Mapping[str, Any]) -> Markup:
        # Translated labels arrive as Markup, which is a str: JSON takes them.
        key = json.dumps([component, params], sort_keys=True, default=str)
        cached = self._rendered.get(key)
        if cached is not None:
            self._rendered.move_to_end(key)
            return cached
        template = self._environment.get_template(f"nhsuk/components/{component}/macro.jinja")
        return self._keep(key, getattr(template.module, macro_name(component))(dict(params)))

    def once(self, key: Hashable, macro: Callable[..., str], *args: Any) -> Markup:
        cached = self._rendered.get(key)
        if cached is not None:
            self._rendered.move_to_end(key)
            return cached
        return self._keep(key, macro(*args))

    def _keep(self, key: Hashable, html: str) -> Markup:
        rendered = Markup(html)  # noqa: S704 (a macro's own autoescaped output)
        self._rendered[key] = rendered
        if len(self._rendered) > self._max_entries:
            self._rendered.popitem(last=False)
        return rendered
