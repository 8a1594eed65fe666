"""Which borough's services to show: the resident's, else the site's.

Pure. A postcode district can straddle boroughs (SE1, SE5, SE11, SE21 and
SE24 are partly Lambeth and partly Southwark: local-services.md §10), so the
borough comes from an open lookup table when one is installed, matched on the
most precise key it holds: the full postcode (ONS postcode directory or its
best-fit LAD lookup), then the sector ("SE11 5"), then the district ("SE11").
A key the table gives two boroughs for settles nothing. Without a table, or
when it does not settle the postcode, the site's own borough is used.

The table's text is parsed here; reading the file is the shell's job
(``directory.load_postcode_lookup``). Only the borough leaves this module:
the postcode itself is never kept.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

# ONS GSS codes of the London boroughs (E09 = London borough), so an ONS
# file that carries only codes (ONSPD `laua`/`oslaua`, `ladcd`, `lad25cd`)
# still yields names. Alphabetical, as ONS numbers them.
LONDON_BOROUGHS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "E09000001": "City of London",
        "E09000002": "Barking and Dagenham",
        "E09000003": "Barnet",
        "E09000004": "Bexley",
        "E09000005": "Brent",
        "E09000006": "Bromley",
        "E09000007": "Camden",
        "E09000008": "Croydon",
        "E09000009": "Ealing",
        "E09000010": "Enfield",
        "E09000011": "Greenwich",
        "E09000012": "Hackney",
        "E09000013": "Hammersmith and Fulham",
        "E09000014": "Haringey",
        "E09000015": "Harrow",
        "E09000016": "Havering",
        "E09000017": "Hillingdon",
        "E09000018": "Hounslow",
        "E09000019": "Islington",
        "E09000020": "Kensington and Chelsea",
        "E09000021": "Kingston upon Thames",
        "E09000022": "Lambeth",
        "E09000023": "Lewisham",
        "E09000024": "Merton",
        "E09000025": "Newham",
        "E09000026": "Redbridge",
        "E09000027": "Richmond upon Thames",
        "E09000028": "Southwark",
        "E09000029": "Sutton",
        "E09000030": "Tower Hamlets",
        "E09000031": "Waltham Forest",
        "E09000032": "Wandsworth",
        "E09000033": "Westminster",
    }
)
_BY_LOWER_NAME: Final = {name.lower(): name for name in LONDON_BOROUGHS.values()}

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL: Final = re.compile(rf"^({_OUTWARD}) ?([0-9][A-Z]{{2}})$")
_SECTOR: Final = re.compile(rf"^({_OUTWARD}) ([0-9])$")
_DISTRICT: Final = re.compile(rf"^({_OUTWARD})$")

# Column names, first match wins: our simple format, then ONS ones.
_KEY_COLUMNS: Final = ("postcode_district", "postcode_sector", "postcode", "pcds", "pcd", "pcd8")
_NAME_COLUMN: Final = re.compile(r"^(borough|lad\d*nm)$")
_CODE_COLUMN: Final = re.compile(r"^(lad\d*cd|laua|oslaua)$")
_PCD7: Final = "pcd7"


def canonical_borough(value: str) -> str:
    """A London borough's ONS name from its name in any case or its GSS code.

    Anything else (a borough outside London, an unknown code) comes back
    trimmed and unchanged: the resident lives there, and only services for
    "all" places will match it.
    """
    text = " ".join(value.split())
    return LONDON_BOROUGHS.get(text.upper()) or _BY_LOWER_NAME.get(text.lower()) or text


def _squash(text: str) -> str:
    return " ".join(text.upper().split())


def postcode_keys(postcode: str) -> tuple[str, ...]:
    """Lookup keys for a postcode, most precise first; () if it is not one.

    "se11 5ab" -> ("SE11 5AB", "SE11 5", "SE11"); a bare district "SE11"
    -> ("SE11",).
    """
    text = _squash(postcode)
    if full := _FULL.match(text):
        outward, inward = full.groups()
        return f"{outward} {inward}", f"{outward} {inward[0]}", outward
    if district := _DISTRICT.match(text):
        return (district.group(1),)
    return ()


def _table_key(raw: str) -> str | None:
    # ONS pcd7 pads the outward code to 4 characters ("N1  6AA"); squashing
    # the spaces makes it the same key as pcds "N1 6AA".
    text = _squash(raw)
    if full := _FULL.match(text):
        return f"{full.group(1)} {full.group(2)}"
    if _SECTOR.match(text) or _DISTRICT.match(text):
        return text
    return None


@dataclass(frozen=True, slots=True)
class PostcodeLookup:
    """Postcode key -> borough; None marks a key the table gives two boroughs."""

    boroughs: Mapping[str, str | None]

    def __len__(self) -> int:
        return len(self.boroughs)


def _columns(header: list[str]) -> tuple[int, int]:
    names = [h.strip().lower() for h in header]
    key = next((names.index(c) for c in (*_KEY_COLUMNS, _PCD7) if c in names), None)
    # A name column is preferred; codes are turned into names on the way in.
    value = next((i for i, n in enumerate(names) if _NAME_COLUMN.match(n)), None)
    if value is None:
        value = next((i for i, n in enumerate(names) if _CODE_COLUMN.match(n)), None)
    if key is None or value is None:
        raise ValueError(
            "postcode lookup needs a header with a postcode column "
            f"({', '.join((*_KEY_COLUMNS, _PCD7))}) and a borough column "
            "(borough, ladNNnm, ladNNcd, laua or oslaua); got " + ",".join(header)
        )
    return key, value


def parse_postcode_lookup(lines: Iterable[str]) -> PostcodeLookup:
    """Read a lookup table from CSV text lines (header first).

    Rows whose postcode is not a postcode, district or sector (blank, a
    heading repeated mid-file, a non-geographic code) are skipped.
    """
    rows = csv.reader(lines)
    header = next(rows, None)
    if header is None:
        raise ValueError("postcode lookup is empty")
    key_at, value_at = _columns(header)
    boroughs: dict[str, str | None] = {}
    names: dict[str, str] = {}  # one string object per borough, not per row
    for row in rows:
        if len(row) <= max(key_at, value_at):
            continue
        key = _table_key(row[key_at])
        raw = row[value_at].strip()
        if key is None or not raw:
            continue
        borough = names.setdefault(raw, canonical_borough(raw))
        if key in boroughs and boroughs[key] != borough:
            boroughs[key] = None  # two boroughs: this key settles nothing
        else:
            boroughs[key] = borough
    return PostcodeLookup(MappingProxyType(boroughs))


@dataclass(frozen=True, slots=True)
class Locality:
    borough: str
    # True when the borough came from the resident's postcode, False when it
    # is the site's (no postcode, no lookup, or the lookup could not tell).
    from_postcode: bool


def resolve_locality(
    postcode: str | None, lookup: PostcodeLookup | None, site_borough: str
) -> Locality:
    """The borough whose services the resident is shown."""
    site = Locality(canonical_borough(site_borough), from_postcode=False)
    if not postcode or lookup is None:
        return site
    for key in postcode_keys(postcode):
        if key in lookup.boroughs:
            borough = lookup.boroughs[key]
            # The most precise key the table holds decides; if that key is
            # ambiguous, a coarser one is only more so.
            return site if borough is None else Locality(borough, from_postcode=True)
    return site
