"""One worker pass against a fake upstream, with faults injected through
httpx.MockTransport: partial and lost replies, rejections, refused batches."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, text
from sqlmodel import Session

from kiosk_app.settings import Settings
from kiosk_app.sync import status as outbox_status
from kiosk_app.sync.enrolment import Enrolment, enroll
from tests.conftest import make_settings
from tests.sync.conftest import T0, UPSTREAM_URL, FakeClock, Seal, store_plain
from tests.sync.fake_upstream import FakeUpstream, drop_receipts, lose_response, status
from tests.sync.worker_kit import all_acknowledged, make_worker, states


async def test_a_pass_sends_and_acknowledges(
    sync_settings: Settings, engine: Engine, upstream: FakeUpstream, seal: Seal
) -> None:
    ids = seal()
    outcome = await make_worker(sync_settings, engine, upstream, FakeClock()).drain()
    assert outcome.summary() == "sealed 0; sent 3: 3 acknowledged, 0 rejected, 0 to retry"
    assert states(engine) == dict.fromkeys(ids, ("acknowledged", 0, None))
    assert sorted(upstream.stored) == ids
    with engine.connect() as db:
        # What the consent page promises: kept only until sent.
        kept = db.execute(text("SELECT count(*) FROM check_record WHERE envelope IS NOT NULL"))
        assert kept.scalar() == 0
    with engine.connect() as db:
        sequences = db.execute(text("SELECT upstream_sequence FROM check_record ORDER BY id"))
        assert [s for (s,) in sequences] == [1, 2, 3]
    opened = json.loads(upstream.stored[ids[0]])
    assert opened["id"] == ids[0]
    assert opened["answers"]["about"]["postcode"] == "SE5 8AF"


async def test_without_enrolment_nothing_is_sealed_or_sent(
    sync_settings: Settings, engine: Engine, upstream: FakeUpstream
) -> None:
    [record_id] = store_plain(engine)
    outcome = await make_worker(sync_settings, engine, upstream, FakeClock()).drain()
    assert not outcome.enrolled
    assert "vital5 enroll" in outcome.summary()
    assert states(engine) == {record_id: ("pending", 0, None)}
    assert upstream.requests == []


async def test_checks_stored_before_enrolment_are_sealed_then_sent(
    sync_settings: Settings, engine: Engine, upstream: FakeUpstream, keys_dir: Path
) -> None:
    ids = store_plain(engine, 2)
    enrolment = enroll(
        keys_dir, upstream_url=UPSTREAM_URL, upstream_public_key=upstream.public_key, now=T0
    )
    upstream.register(enrolment.code)
    outcome = await make_worker(sync_settings, engine, upstream, FakeClock()).drain()
    assert (outcome.sealed, outcome.acknowledged) == (2, 2)
    with engine.connect() as db:
        rows = db.execute(text("SELECT answers_json, result_json, envelope FROM check_record"))
        # Sealed, sent, acknowledged: neither the plaintext nor the sealed copy is kept.
        assert all(a is None and r is None and e is None for a, r, e in rows)
    assert json.loads(upstream.stored[ids[1]])["result"]["alcohol"]["total"] == 5


async def test_a_partial_reply_retries_only_the_records_without_a_receipt(
    sync_settings: Settings, engine: Engine, upstream: FakeUpstream, seal: Seal
) -> None:
    ids = seal()
    upstream.faults = [drop_receipts(upstream, keep=lambda index: index != 1)]
    clock = FakeClock()
    worker = make_worker(sync_settings, engine, upstream, clock)
    first = await worker.drain()
    assert (first.acknowledged, first.retrying) == (2, 1)
    assert first.error == "1 records got no receipt"
    assert states(engine)[ids[1]] == ("pending", 1, None)
    assert (await worker.drain()).sent == 0  # not before its retry time
    clock.advance(2)
    assert (await worker.drain()).acknowledged == 1
    assert upstream.receipts[-1] == (ids[1], "duplicate")
    assert all_acknowledged(engine)()


async def test_a_lost_reply_is_resent_identically_and_acknowledged_as_duplicate(
    sync_settings: Settings, engine: Engine, upstream: FakeUpstream, seal: Seal
) -> None:
    ids = seal()
    upstream.faults = [lose_response(upstream)]
    clock = FakeClock()
    worker = make_worker(sync_settings, engine, upstream, clock)
    first = await worker.drain()
    assert first.retrying == 3
    assert "ReadError" in (first.error or "")
    assert sorted(upstream.stored) == ids  # it did arrive
    clock.advance(2)
    assert (await worker.drain()).acknowledged == 3
    assert upstream.receipts[-3:] == [(i, "duplicate") for i in ids]
    assert upstream.requests[0].content == upstream.requests[1].content


async def test_a_rejected_record_is_never_retried_and_blocks_nothing(
    sync_settings: Settings, engine: Engine, upstream: FakeUpstream, seal: Seal
) -> None:
    ids = seal()
    with engine.begin() as db:  # a corrupted signature on the middle record
        (envelope,) = db.execute(
            text("SELECT envelope FROM check_record WHERE id=:i"), {"i": ids[1]}
        ).one()
        bad = json.loads(envelope) | {"signature": "A" * 86 + "=="}
        db.execute(
            text("UPDATE check_record SET envelope=:e WHERE id=:i"),
            {"e": json.dumps(bad), "i": ids[1]},
        )
    worker = make_worker(sync_settings, engine, upstream, FakeClock())
    outcome = await worker.drain()
    assert (outcome.acknowledged, outcome.rejected, outcome.error) == (2, 1, None)
    assert states(engine)[ids[1]] == ("rejected", 0, "bad_signature")
    later = seal(2)
    assert (await worker.drain()).acknowledged == 2
    assert ids[1] not in upstream.requests[-1].content.decode()
    assert all(states(engine)[i][0] == "acknowledged" for i in later)
    with Session(engine) as session:
        stats = outbox_status.stats(session=session)
        assert stats.rejected == {"bad_signature": 1}
        assert outbox_status.requeue_rejected(session=session, code="bad_signature") == 1
    assert states(engine)[ids[1]] == ("pending", 0, None)


async def test_a_refused_batch_is_sent_one_by_one(
    sync_settings: Settings,
    engine: Engine,
    upstream: FakeUpstream,
    seal: Seal,
    enrolled: Enrolment,
) -> None:
    ids = seal()
    del upstream.devices[enrolled.device_id]  # now every record is "unknown_device" …
    upstream.faults = [status(413, {"code": "too_large", "reason": "x"})]
    outcome = await make_worker(sync_settings, engine, upstream, FakeClock()).drain()
    assert [r.method for r in upstream.requests] == ["POST", "PUT", "PUT", "PUT"]
    assert outcome.rejected == 3  # … found record by record
    assert {s for s, _, code in states(engine).values()} == {"rejected"}
    assert {code for _, _, code in states(engine).values()} == {"unknown_device"}
    assert sorted(ids) == sorted(upstream.requests[i].url.path.rsplit("/", 1)[1] for i in (1, 2, 3))


async def test_a_transient_failure_while_sending_one_by_one_keeps_the_rest(
    sync_settings: Settings, engine: Engine, upstream: FakeUpstream, seal: Seal
) -> None:
    ids = seal()
    upstream.faults = [status(400, {"code": "malformed"}), lambda _r: None, status(503)]
    outcome = await make_worker(sync_settings, engine, upstream, FakeClock()).drain()
    assert (outcome.acknowledged, outcome.retrying) == (1, 2)
    assert [states(engine)[i][0] for i in ids] == ["acknowledged", "pending", "pending"]


async def test_batches_follow_the_batch_size(
    tmp_path: Path, keys_dir: Path, engine: Engine, upstream: FakeUpstream, seal: Seal
) -> None:
    seal(5)
    settings = make_settings(tmp_path, keys_dir=keys_dir, sync_batch_size=2, sync_worker=False)
    await make_worker(settings, engine, upstream, FakeClock()).drain()
    assert [len(json.loads(r.content)["records"]) for r in upstream.requests] == [2, 2, 1]
