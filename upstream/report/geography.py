"""Where a check's resident lives: borough and IMD quintile, from optional CSV lookups.

Four files, each optional, each a CSV with a header row (any other columns
are ignored; names are matched without regard to case):

- **postcode lookup** (an extract of the ONS Postcode Directory or NSPL): a
  postcode column (``pcds``, ``pcd``, ``pcd7``, ``pcd8``, ``pcd2`` or
  ``postcode``), an LSOA column (``lsoa21cd``, ``lsoa11cd``, ``lsoa_code``…)
  and optionally a borough (``borough``, ``ladnm``/``lad2Xnm``, or failing
  those a code such as ``ladcd``/``oslaua``);
- **IMD lookup** (English Indices of Deprivation): an LSOA column and
  ``imd_decile`` (or the published "Index of Multiple Deprivation (IMD)
  Decile …" heading). Use the IMD edition whose LSOAs match the postcode
  file's (IoD2025 with LSOA 2021 codes);
- **site boroughs**: ``site_id,borough``;
- **district boroughs**: ``district,borough`` (e.g. ``SE22,Southwark``). A
  district listed under two boroughs is ambiguous and not used: districts
  cross borough lines (local-services.md §10).

The borough is the postcode lookup's, else the district's, else the kiosk
site's, else unknown. The quintile needs both the postcode and IMD files.
Large postcode files are streamed and only the postcodes a report needs are
kept; nothing read here is written anywhere.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from upstream.report.aggregate import UNKNOWN, imd_quintile

_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")

POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8", "pcd2", "postcode")
LSOA_COLUMNS = ("lsoa21cd", "lsoa21", "lsoa11cd", "lsoa11", "lsoa_code", "lsoa", "lsoa code")
BOROUGH_COLUMNS = (
    "borough", "ladnm", "lad25nm", "lad24nm", "lad23nm", "lad22nm", "lad21nm",
    "ladcd", "lad25cd", "lad24cd", "lad23cd", "lad22cd", "lad21cd", "oslaua", "laua",
)  # fmt: skip
DECILE_COLUMNS = ("imd_decile", "index of multiple deprivation (imd) decile")


class LookupFileError(ValueError):
    """A configured lookup file is missing or lacks a needed column."""


class BoroughSource(StrEnum):
    POSTCODE_LOOKUP = "postcode_lookup"
    POSTCODE_DISTRICT = "postcode_district"
    SITE = "site"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class LookupPaths:
    postcodes: Path | None = None
    imd: Path | None = None
    sites: Path | None = None
    districts: Path | None = None


@dataclass(frozen=True, slots=True)
class Area:
    borough: str
    source: BoroughSource
    imd_quintile: str


def normalise_postcode(text: str) -> str | None:
    """``"se5 8af"`` -> ``"SE58AF"``; None when it is not a UK postcode's shape."""
    compact = re.sub(r"\s+", "", text).upper()
    return compact if _POSTCODE.fullmatch(compact) else None


@dataclass(frozen=True, slots=True)
class Geography:
    postcodes: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # -> LSOA, borough
    deciles: dict[str, int] = field(default_factory=dict)  # LSOA -> IMD decile
    sites: dict[str, str] = field(default_factory=dict)
    districts: dict[str, str] = field(default_factory=dict)

    def boroughs(self) -> set[str]:
        """Boroughs every report lists, even with no checks (from the site and district files)."""
        return {*self.sites.values(), *self.districts.values()}

    def area(self, *, site_id: str, postcode: str | None) -> Area:
        lsoa, borough = self.postcodes.get(postcode, (None, None)) if postcode else (None, None)
        quintile = imd_quintile(self.deciles.get(lsoa)) if lsoa else UNKNOWN
        if borough:
            return Area(borough, BoroughSource.POSTCODE_LOOKUP, quintile)
        district = self.districts.get(postcode[:-3]) if postcode else None
        if district:
            return Area(district, BoroughSource.POSTCODE_DISTRICT, quintile)
        if site_id in self.sites:
            return Area(self.sites[site_id], BoroughSource.SITE, quintile)
        return Area(UNKNOWN, BoroughSource.UNKNOWN, quintile)


def check(paths: LookupPaths) -> None:
    """Fail early (at start-up) on a configured file that is missing or lacks its columns."""
    for path, needed in (
        (paths.postcodes, (POSTCODE_COLUMNS, LSOA_COLUMNS)),
        (paths.imd, (LSOA_COLUMNS, DECILE_COLUMNS)),
        (paths.sites, (("site_id",), ("borough",))),
        (paths.districts, (("district",), ("borough",))),
    ):
        if path is not None:
            for _ in _rows(path, *needed):
                break


def load(paths: LookupPaths, postcodes: set[str]) -> Geography:
    """The lookups, keeping only the given (normalised) postcodes and their LSOAs."""
    found: dict[str, tuple[str, str | None]] = {}
    if paths.postcodes is not None and postcodes:
        for code, lsoa, borough in _rows(
            paths.postcodes, POSTCODE_COLUMNS, LSOA_COLUMNS, BOROUGH_COLUMNS
        ):
            key = code.replace(" ", "").upper()
            if key in postcodes and lsoa:
                found[key] = (lsoa, borough or None)
    deciles: dict[str, int] = {}
    wanted = {lsoa for lsoa, _ in found.values()}
    if paths.imd is not None and wanted:
        for lsoa, decile in _rows(paths.imd, LSOA_COLUMNS, DECILE_COLUMNS):
            if lsoa in wanted and decile.strip().isdigit():
                deciles[lsoa] = int(decile)
    sites = dict(_pairs(paths.sites, "site_id")) if paths.sites else {}
    districts: dict[str, str] = {}
    if paths.districts is not None:
        named: dict[str, set[str]] = {}
        for district, borough in _pairs(paths.districts, "district"):
            named.setdefault(district.replace(" ", "").upper(), set()).add(borough)
        districts = {key: next(iter(b)) for key, b in named.items() if len(b) == 1}
    return Geography(found, deciles, sites, districts)


def _pairs(path: Path, key: str) -> Iterator[tuple[str, str]]:
    for name, borough in _rows(path, (key,), ("borough",)):
        if name.strip() and borough.strip():
            yield name.strip(), borough.strip()


def _rows(path: Path, *columns: Sequence[str]) -> Iterator[list[str]]:
    """Each row's values for the first matching header of each column group ("" if optional)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file)
            header = [name.strip().lower() for name in next(reader, [])]
            indices = [
                _column(path, header, names, required=i < 2) for i, names in enumerate(columns)
            ]
            for row in reader:
                yield [row[i].strip() if i is not None and i < len(row) else "" for i in indices]
    except OSError as error:
        raise LookupFileError(f"{path}: {error.strerror or error}") from error


def _column(path: Path, header: list[str], names: Sequence[str], *, required: bool) -> int | None:
    for name in names:
        for index, found in enumerate(header):
            if found == name or (" " in name and found.startswith(name)):
                return index
    if required:
        raise LookupFileError(f"{path}: no column named {' or '.join(names)}")
    return None
