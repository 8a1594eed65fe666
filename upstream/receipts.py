"""Per-record receipts of an upload (docs/sync-protocol.md, "Upload")."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from upstream.envelope import RejectCode, RejectedError


class Status(StrEnum):
    STORED = "stored"  # new; kiosk marks it acknowledged
    DUPLICATE = "duplicate"  # same id, same content already stored; acknowledged too
    REJECTED = "rejected"  # permanent; never retried


@dataclass(frozen=True, slots=True)
class Receipt:
    id: str | None
    status: Status
    sequence: int | None = None
    code: RejectCode | None = None
    reason: str | None = None

    @classmethod
    def stored(cls, record_id: str, sequence: int) -> Receipt:
        return cls(record_id, Status.STORED, sequence)

    @classmethod
    def duplicate(cls, record_id: str, sequence: int) -> Receipt:
        return cls(record_id, Status.DUPLICATE, sequence)

    @classmethod
    def rejected(cls, record_id: str | None, rejection: RejectedError) -> Receipt:
        return cls(record_id, Status.REJECTED, code=rejection.code, reason=rejection.reason)

    def to_json(self) -> dict[str, object]:
        if self.status is Status.REJECTED:
            assert self.code is not None
            return {
                "id": self.id,
                "status": self.status.value,
                "code": self.code.value,
                "reason": self.reason,
            }
        return {"id": self.id, "status": self.status.value, "sequence": self.sequence}
