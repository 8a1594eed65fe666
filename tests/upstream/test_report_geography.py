"""Area lookups for the equity report, on the synthetic files in fixtures/report/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.upstream.report_population import FIXTURES
from upstream.report.geography import (
    Area,
    BoroughSource,
    LookupFileError,
    LookupPaths,
    check,
    load,
    normalise_postcode,
)

ALL = LookupPaths(
    postcodes=FIXTURES / "postcodes.csv",
    imd=FIXTURES / "imd.csv",
    sites=FIXTURES / "sites.csv",
    districts=FIXTURES / "districts.csv",
)
WANTED = {"ZZ11AA", "ZZ11AB", "ZZ22BA", "ZZ99ZZ", "ZZ31AA", "ZZ41AA", "ZZ88ZZ"}


@pytest.mark.parametrize(
    ("text", "normalised"),
    [("SE5 8AF", "SE58AF"), ("se58af", "SE58AF"), (" zz1  1aa ", "ZZ11AA"), ("W1A 0AX", "W1A0AX"),
     ("EC1A 1BB", "EC1A1BB"), ("SE5", None), ("not a postcode", None), ("", None)],
)  # fmt: skip
def test_normalise_postcode(text: str, normalised: str | None) -> None:
    assert normalise_postcode(text) == normalised


@pytest.mark.parametrize(
    ("site", "postcode", "area"),
    [
        ("site-south", "ZZ11AA", Area("Ashford Vale", BoroughSource.POSTCODE_LOOKUP, "1")),
        ("site-north", "ZZ11AB", Area("Ashford Vale", BoroughSource.POSTCODE_LOOKUP, "2")),
        ("site-north", "ZZ22BA", Area("Brook Hill", BoroughSource.POSTCODE_LOOKUP, "5")),
        # In the lookup without a borough, its LSOA not in the IMD file:
        ("site-north", "ZZ99ZZ", Area("Ashford Vale", BoroughSource.SITE, "unknown")),
        ("site-north", "ZZ31AA", Area("Cedar Green", BoroughSource.POSTCODE_DISTRICT, "unknown")),
        # ZZ4 is listed under two boroughs: not used.
        ("site-south", "ZZ41AA", Area("Brook Hill", BoroughSource.SITE, "unknown")),
        ("site-elsewhere", None, Area("unknown", BoroughSource.UNKNOWN, "unknown")),
    ],
)
def test_the_borough_is_the_postcodes_then_the_districts_then_the_sites(
    site: str, postcode: str | None, area: Area
) -> None:
    assert load(ALL, WANTED).area(site_id=site, postcode=postcode) == area


def test_only_the_postcodes_asked_for_are_kept() -> None:
    geography = load(ALL, {"ZZ22BA"})

    assert geography.postcodes == {"ZZ22BA": ("E01999003", "Brook Hill")}
    assert geography.deciles == {"E01999003": 9}
    assert geography.boroughs() == {"Ashford Vale", "Brook Hill", "Cedar Green"}


def test_other_column_names_a_bom_and_the_published_imd_headings() -> None:
    paths = LookupPaths(
        postcodes=FIXTURES / "postcodes_lsoa11.csv", imd=FIXTURES / "imd_published.csv"
    )

    geography = load(paths, {"ZZ11AA", "ZZ22BA"})

    assert geography.area(site_id="x", postcode="ZZ22BA") == Area(
        "unknown", BoroughSource.UNKNOWN, "5"
    )
    assert geography.area(site_id="x", postcode="ZZ11AA").imd_quintile == "1"


def test_without_lookups_everything_is_unknown() -> None:
    geography = load(LookupPaths(), {"ZZ11AA"})

    assert geography.area(site_id="site-north", postcode="ZZ11AA") == Area(
        "unknown", BoroughSource.UNKNOWN, "unknown"
    )


def test_a_missing_file_or_column_fails_the_start_up_check(tmp_path: Path) -> None:
    check(ALL)  # the fixtures pass
    bad = tmp_path / "bad.csv"
    bad.write_text("postcode,lsoa_name\nZZ1 1AA,x\n")

    with pytest.raises(LookupFileError, match="no column named lsoa21cd"):
        check(LookupPaths(postcodes=bad))
    with pytest.raises(LookupFileError, match=r"missing\.csv"):
        check(LookupPaths(imd=tmp_path / "missing.csv"))
