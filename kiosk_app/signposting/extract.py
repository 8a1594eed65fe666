"""Babel extractor for the services directory, so what residents read is translated.

Wired in ``i18n/babel.toml``; ``make i18n-extract`` runs it with the Python
and Jinja extractors to build ``i18n/messages.pot``. A resident reads a
service's name, description, hours, language notes, the words after its
phone number and how to text it; those are msgids. Ids, boroughs, kinds,
numbers, web addresses, sources and staff notes are not.

The templates translate these strings with ``_()`` at render, so a service
added to services.yaml shows in English until its translations arrive.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any, Final

import yaml

# Keys of a service entry whose string values a resident reads.
SERVICE_KEYS: Final = frozenset({"name", "description", "hours"})
# Keys of the contact block a resident reads.
CONTACT_KEYS: Final = frozenset({"phone_note", "text", "in_person"})

# Babel's tuple: (line number, function name, message, translator comments).
Extracted = tuple[int, str | None, str, list[str]]

_COMMENTS: Final = {
    "text": "Keep the word to text (like SHOUT or QUIT) and the numbers exactly as they are.",
    "phone_note": "Said after dialling the number, e.g. 'then press 2'.",
    "name": "The name of a service. Keep proper names (NHS, Samaritans) as they are.",
}


def _scalar(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) and node.value.strip():
        return str(node.value)
    return None


def _entry(line: int, service_id: str, key: str, node: yaml.Node) -> Iterator[Extracted]:
    text = _scalar(node)
    if text is None:
        return
    comments = [f"service {service_id}: {key}"]
    if key in _COMMENTS:
        comments.append(_COMMENTS[key])
    # Babel line numbers are 1-based; PyYAML marks are 0-based.
    # A folded (>-) description is already joined into one line here, the
    # same string the loader hands to gettext.
    yield line + 1, None, text, comments


def _service(node: yaml.MappingNode) -> Iterator[Extracted]:
    pairs = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    id_node = pairs.get("id")
    service_id = _scalar(id_node) if id_node is not None else None
    service_id = service_id or "?"
    for key, value in node.value:
        name = key.value
        if name in SERVICE_KEYS:
            yield from _entry(value.start_mark.line, service_id, name, value)
        elif name == "languages" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                yield from _entry(item.start_mark.line, service_id, "languages", item)
        elif name == "contact" and isinstance(value, yaml.MappingNode):
            for c_key, c_value in value.value:
                if c_key.value in CONTACT_KEYS:
                    yield from _entry(c_value.start_mark.line, service_id, c_key.value, c_value)


def extract_services(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Babel extraction method over a services file: one msgid per resident-facing string."""
    root = yaml.compose(fileobj.read().decode("utf-8"))
    if isinstance(root, yaml.SequenceNode):
        for item in root.value:
            if isinstance(item, yaml.MappingNode):
                yield from _service(item)
