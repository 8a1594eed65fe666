"""Open stored records for export: decrypt, check, and turn into FHIR.

Records are decrypted here, at export time, and nowhere else: the database
holds only sealed boxes (docs/upstream.md, "Storage"). One record that
cannot be opened any more (its private key was removed) must not stall an
export that pages by sequence, so in NDJSON it becomes an OperationOutcome
line naming the record instead.
"""

from __future__ import annotations

import json

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from upstream import crypto
from upstream.envelope import RejectedError
from upstream.fhir.bundle import record_bundle
from upstream.plaintext import parse_plaintext
from upstream.store.tables import Record


class CannotExportError(Exception):
    """A stored record does not open or does not make a valid Bundle."""


class Exporter:
    def __init__(self, keyring: crypto.KeyRing, fhir_base: str) -> None:
        self._keyring = keyring
        self._fhir_base = fhir_base

    def bundle(self, row: Record) -> Bundle:
        try:
            plaintext = self._keyring.open(row.upstream_key_id, row.ciphertext)
            record = parse_plaintext(plaintext, row.id)
            return record_bundle(
                record, fhir_base=self._fhir_base, device_id=row.device_id, site_id=row.site_id
            )
        except crypto.UnknownKeyError as error:
            raise CannotExportError(f"private key {row.upstream_key_id} is not held") from error
        except (crypto.DecryptError, RejectedError, ValidationError) as error:
            raise CannotExportError(f"{type(error).__name__}: {error}") from error

    def ndjson_line(self, row: Record) -> str:
        try:
            return self.bundle(row).model_dump_json() + "\n"
        except CannotExportError as error:
            outcome = {
                "resourceType": "OperationOutcome",
                "id": row.id,
                "issue": [
                    {
                        "severity": "error",
                        "code": "exception",
                        "diagnostics": f"record {row.id} (sequence {row.sequence}): {error}",
                    }
                ],
            }
            return json.dumps(outcome, separators=(",", ":")) + "\n"
