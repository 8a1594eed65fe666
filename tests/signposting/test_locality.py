"""Locality: the resident's borough from a postcode lookup file, else the site's."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk_app.signposting import (
    Locality,
    canonical_borough,
    load_postcode_lookup,
    parse_postcode_lookup,
    postcode_keys,
    resolve_locality,
)

# The simple format: a district per row. SE11 is in both Lambeth and
# Southwark (local-services.md §10), so a district-only table cannot settle it.
SIMPLE = """postcode_district,borough
SE11,Lambeth
SE11,Southwark
SE15,Southwark
SW9,lambeth
BR1,Bromley
"""

# Sectors and full postcodes settle what districts cannot.
FINER = """postcode,borough
SE11,Lambeth
SE11,Southwark
SE11 4,Lambeth
SE11 5,Lambeth
SE11 6,Southwark
SE11 6AA,Lambeth
"""

# ONS best-fit lookup columns (local-services.md §10), with names.
ONS_NAMES = """pcd7,pcd8,pcds,dointr,doterm,usertype,oa21cd,lsoa21cd,msoa21cd,ladcd,lsoa21nm,msoa21nm,ladnm,ladnmw
SE1 7EH,SE1  7EH,SE1 7EH,199901,,0,E00000001,E01000001,E02000001,E09000022,Lambeth 036A,Lambeth 036,Lambeth,
SE1 7PB,SE1  7PB,SE1 7PB,199901,,0,E00000002,E01000002,E02000002,E09000028,Southwark 001A,Southwark 001,Southwark,
CR0 1AA,CR0  1AA,CR0 1AA,199901,,0,E00000003,E01000003,E02000003,E09000008,Croydon 001A,Croydon 001,Croydon,
"""  # noqa: E501

# ONSPD style: only GSS codes, pcd7 padded to 7 characters.
ONSPD_CODES = """pcd,pcd2,pcds,oslaua,lsoa21
SE117EH,SE11 7EH,SE11 7EH,E09000028,E01000004
N1  6AA,N1   6AA,N1 6AA,E09000019,E01000005
BT1 1AA,BT1  1AA,BT1 1AA,N09000003,95AA01S1
"""


def _lookup(text: str):  # type: ignore[no-untyped-def]
    return parse_postcode_lookup(text.splitlines())


@pytest.mark.parametrize(
    ("postcode", "keys"),
    [
        ("se11 5ab", ("SE11 5AB", "SE11 5", "SE11")),
        ("SE115AB", ("SE11 5AB", "SE11 5", "SE11")),
        (" se1  7eh ", ("SE1 7EH", "SE1 7", "SE1")),
        ("SE17EH", ("SE1 7EH", "SE1 7", "SE1")),
        ("EC1A 1BB", ("EC1A 1BB", "EC1A 1", "EC1A")),
        ("sw9", ("SW9",)),
        ("not a postcode", ()),
        ("", ()),
    ],
)
def test_postcode_keys_most_precise_first(postcode: str, keys: tuple[str, ...]) -> None:
    assert postcode_keys(postcode) == keys


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [
        ("SE15 3AB", Locality("Southwark", from_postcode=True)),
        ("sw9 8xx", Locality("Lambeth", from_postcode=True)),  # name in any case
        ("BR1 1AA", Locality("Bromley", from_postcode=True)),
        # Two boroughs for one district: the table settles nothing.
        ("SE11 5AB", Locality("Southwark", from_postcode=False)),
        # Not in the table, not a postcode, not given.
        ("E1 6AN", Locality("Southwark", from_postcode=False)),
        ("hello", Locality("Southwark", from_postcode=False)),
        (None, Locality("Southwark", from_postcode=False)),
    ],
)
def test_simple_district_table(postcode: str | None, expected: Locality) -> None:
    assert resolve_locality(postcode, _lookup(SIMPLE), "Southwark") == expected


@pytest.mark.parametrize(
    ("postcode", "borough", "from_postcode"),
    [
        ("SE11 5AB", "Lambeth", True),  # the sector settles it
        ("SE11 6XY", "Southwark", True),
        ("SE11 6AA", "Lambeth", True),  # the full postcode beats its sector
        ("SE11 7ZZ", "Lambeth", False),  # only the ambiguous district: the site's
        ("SE11", "Lambeth", False),
    ],
)
def test_finer_keys_win(postcode: str, borough: str, from_postcode: bool) -> None:
    assert resolve_locality(postcode, _lookup(FINER), "Lambeth") == Locality(borough, from_postcode)


def test_ons_best_fit_lookup_with_names() -> None:
    lookup = _lookup(ONS_NAMES)
    assert resolve_locality("se1 7eh", lookup, "Southwark") == Locality("Lambeth", True)
    assert resolve_locality("SE1 7PB", lookup, "Lambeth") == Locality("Southwark", True)
    # Outside south east London: the resident's own borough, where only
    # services for "all" places will match.
    assert resolve_locality("CR0 1AA", lookup, "Southwark") == Locality("Croydon", True)


def test_onspd_style_codes_and_padded_postcodes() -> None:
    lookup = _lookup(ONSPD_CODES)
    assert resolve_locality("SE11 7EH", lookup, "Lambeth") == Locality("Southwark", True)
    assert resolve_locality("N1 6AA", lookup, "Lambeth") == Locality("Islington", True)
    # A code that is not a London borough is kept as it is.
    assert resolve_locality("BT1 1AA", lookup, "Lambeth") == Locality("N09000003", True)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("E09000022", "Lambeth"),
        ("southwark", "Southwark"),
        ("  Kingston   upon thames ", "Kingston upon Thames"),
        ("Elsewhere", "Elsewhere"),
    ],
)
def test_canonical_borough(value: str, name: str) -> None:
    assert canonical_borough(value) == name


def test_site_borough_is_canonical_too() -> None:
    assert resolve_locality(None, None, "lambeth") == Locality("Lambeth", False)


@pytest.mark.parametrize(
    "text", ["", "postcode,lsoa21\nSE1 7EH,E01000001\n", "district,borough\nSE1,Lambeth\n"]
)
def test_a_table_without_the_columns_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="postcode lookup"):
        _lookup(text)


def test_rows_that_are_not_postcodes_are_skipped() -> None:
    lookup = _lookup("postcode,borough\n,Lambeth\nSOUTH,Southwark\nSE1 7EH,\nSE5,Southwark\n\n")
    assert dict(lookup.boroughs) == {"SE5": "Southwark"}


# ---- the file: present or absent -------------------------------------------


def test_no_lookup_configured_or_installed(tmp_path: Path) -> None:
    assert load_postcode_lookup(None) is None
    assert load_postcode_lookup(tmp_path / "absent.csv") is None
    assert resolve_locality("SE15 3AB", None, "Lambeth") == Locality("Lambeth", False)


def test_lookup_file_present(tmp_path: Path) -> None:
    path = tmp_path / "postcodes.csv"
    # Spreadsheet exports often start with a byte-order mark.
    path.write_text("\ufeff" + SIMPLE, encoding="utf-8")
    lookup = load_postcode_lookup(path)
    assert lookup is not None
    assert len(lookup) == 4
    assert resolve_locality("SE15 3AB", lookup, "Lambeth") == Locality("Southwark", True)
