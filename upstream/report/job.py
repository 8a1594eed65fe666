"""The equity report job: open every stored record in memory, keep only suppressed aggregates.

Records are sealed at rest (docs/upstream.md, "Storage"), so the report
cannot be a SQL ``GROUP BY``. This job reads them page by page (short read
transactions, so ingest is never held up for long), opens each box in
memory, reduces it at once to a `Partial` (a few coded fields), and counts
equal partials together. Postcodes are then looked up, the counts folded
into one-way tables, and the tables suppressed before anything leaves this
module: callers only ever see numbers that may be published.

Nothing is written: no table, no temporary file, no log line carries a
plaintext value (tests/upstream/test_report_endpoints.py watches every SQL
statement and the database files during a run).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from upstream import crypto
from upstream.report.aggregate import Facts, tabulate
from upstream.report.extract import Partial, UnreadableRecordError, extract
from upstream.report.geography import BoroughSource, LookupPaths, load
from upstream.report.suppress import ShownTable, suppress_counts, suppress_table
from upstream.store import records

PAGE_SIZE = 500


@dataclass(frozen=True, slots=True)
class EquityReport:
    """What may be shown: every number here has been through suppression."""

    tables: tuple[ShownTable, ...]
    borough_sources: dict[str, int | None]
    records_read: int
    unreadable: int  # boxes that did not open (key removed) or did not parse
    upto_sequence: int
    generated_at: datetime
    seconds: float
    postcode_lookup: bool
    imd_lookup: bool


def run_equity_report(
    *,
    engine: Engine,
    keyring: crypto.KeyRing,
    paths: LookupPaths,
    now: datetime,
    page_size: int = PAGE_SIZE,
) -> EquityReport:
    started = time.perf_counter()
    partials, read, unreadable, upto = _read_partials(engine, keyring, page_size)
    geography = load(paths, {p.postcode for p in partials if p.postcode is not None})
    weighted: Counter[Facts] = Counter()
    sources: Counter[BoroughSource] = Counter()
    for partial, count in partials.items():
        area = geography.area(site_id=partial.site_id, postcode=partial.postcode)
        facts = Facts(
            borough=area.borough,
            age_band=partial.age_band,
            sex=partial.sex,
            ethnic_group=partial.ethnic_group,
            imd_quintile=area.imd_quintile,
            risks=partial.risks,
        )
        weighted[facts] += count
        sources[area.source] += count
    partials.clear()
    quintiles = paths.postcodes is not None and paths.imd is not None
    tables = tabulate(weighted.items(), geography.boroughs(), quintiles=quintiles)
    # Only the ways this configuration can find a borough (as with quintiles).
    possible = [
        source
        for source, path in (
            (BoroughSource.POSTCODE_LOOKUP, paths.postcodes),
            (BoroughSource.POSTCODE_DISTRICT, paths.districts),
            (BoroughSource.SITE, paths.sites),
        )
        if path is not None
    ] + [BoroughSource.UNKNOWN]
    return EquityReport(
        tables=tuple(suppress_table(table) for table in tables),
        borough_sources=suppress_counts({source.value: sources[source] for source in possible}),
        records_read=read,
        unreadable=unreadable,
        upto_sequence=upto,
        generated_at=now,
        seconds=time.perf_counter() - started,
        postcode_lookup=paths.postcodes is not None,
        imd_lookup=paths.imd is not None,
    )


def _read_partials(
    engine: Engine, keyring: crypto.KeyRing, page_size: int
) -> tuple[Counter[Partial], int, int, int]:
    partials: Counter[Partial] = Counter()
    read = unreadable = 0
    with Session(engine) as session:
        # A snapshot: records stored while the job runs wait for the next report.
        upto = records.last_sequence(session=session)
    after = 0
    while after < upto:
        with Session(engine) as session:
            page = records.records_between(session=session, after=after, upto=upto, limit=page_size)
            sealed = [(row.id, row.site_id, row.upstream_key_id, row.ciphertext) for row in page]
            after = page[-1].sequence or upto if page else upto
        for record_id, site_id, key_id, ciphertext in sealed:
            read += 1
            try:
                plaintext = keyring.open(key_id, ciphertext)
                partials[extract(plaintext, record_id=record_id, site_id=site_id)] += 1
            except (crypto.UnknownKeyError, crypto.DecryptError, UnreadableRecordError):
                unreadable += 1
    return partials, read, unreadable, upto
