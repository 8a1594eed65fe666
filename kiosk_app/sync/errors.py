"""What can go wrong on the kiosk side of sync (docs/sync-protocol.md).

Our exception hierarchy:

* SyncError
  + NotEnrolledError       the device has no enrolment (``vital5 enroll``)
  + EnrolmentError         the enrolment file or an argument to enroll is unusable
    - InsecureUpstreamError  plain http to anything but this machine
  + KeyFileError           the device key is missing, unreadable or too widely readable
  + PushError              one upload did not give per-record receipts
    - TransientPushError     retry later with backoff (429, 5xx, timeouts, resets)
    - BatchRefusedError      400/413 for the whole batch: send the records one by one

Messages name files, URLs and HTTP statuses only: never a resident's data.
"""

from __future__ import annotations


class SyncError(Exception):
    """Base class for every sync failure on the kiosk."""


class NotEnrolledError(SyncError):
    """The device is not enrolled with an upstream yet."""


class EnrolmentError(SyncError, ValueError):
    """The enrolment file, or a value given to ``vital5 enroll``, is unusable."""


class InsecureUpstreamError(EnrolmentError):
    """The upstream URL would send sealed records without TLS to another machine."""


class KeyFileError(SyncError):
    """The device key file is missing, unreadable, or readable by others."""


class PushError(SyncError):
    """An upload attempt that produced no per-record receipts."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TransientPushError(PushError):
    """Worth retrying unchanged later: the upstream or the network is unwell."""


class BatchRefusedError(PushError):
    """The upstream refused the whole batch (400 or 413): isolate the records."""
