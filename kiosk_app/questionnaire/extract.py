"""Babel extractor for questionnaire files, so question text is translated as data.

Wired in ``i18n/babel.cfg``; ``make i18n-extract`` runs it with the Python and
Jinja extractors to produce ``i18n/messages.pot``. Every resident-facing
string in a form file is a msgid; ids, codes and numbers are not.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

import yaml

# Keys whose string values a resident reads.
TRANSLATABLE_KEYS = frozenset(
    {
        "title",
        "label",
        "hint",
        "caption",
        "suffix",
        "required",
        "invalid",
        "too_low",
        "too_high",
        "unusual",
        "conflict",
    }
)

Extracted = tuple[int, str | None, str, list[str]]


def _walk(node: yaml.Node, context: str) -> Iterator[Extracted]:
    if isinstance(node, yaml.MappingNode):
        step_id = next(
            (v.value for k, v in node.value if k.value == "id" and isinstance(v, yaml.ScalarNode)),
            None,
        )
        here = f"{context}/{step_id}" if step_id else context
        for key, value in node.value:
            if key.value in TRANSLATABLE_KEYS and isinstance(value, yaml.ScalarNode):
                if value.value:
                    # Babel line numbers are 1-based; PyYAML marks are 0-based.
                    yield value.start_mark.line + 1, None, value.value, [f"{here}: {key.value}"]
            else:
                yield from _walk(value, here)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item, context)


def extract_form(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Babel extraction method: ``(lineno, funcname, message, comments)`` tuples."""
    root = yaml.compose(fileobj.read().decode("utf-8"))
    if root is not None:
        yield from _walk(root, "form")
