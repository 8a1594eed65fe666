"""Assemble one record's FHIR Bundle and validate every resource in it.

Type ``collection``: a set of resources about one check, not a transaction
for a server to apply. Every resource gets a stable UUID derived from the
record id and its role, so exporting the same record twice gives the same
Bundle (a receiver can de-duplicate on it).
"""

from __future__ import annotations

import uuid

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.device import Device
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir_core.fhirabstractmodel import FHIRAbstractModel

from kiosk_app.domain.answers import BloodPressureReading
from upstream.fhir.observations import observations
from upstream.fhir.questionnaire import questionnaire_response
from upstream.plaintext import RecordPlaintext

_MODELS: dict[str, type[FHIRAbstractModel]] = {
    "Device": Device,
    "Observation": Observation,
    "QuestionnaireResponse": QuestionnaireResponse,
}


class _Entries:
    def __init__(self, record_id: str) -> None:
        self._namespace = uuid.UUID(record_id)
        self.entries: list[dict[str, object]] = []

    def add(self, name: str, resource: dict[str, object]) -> str:
        """Validate ``resource`` and add it; returns the reference to it."""
        resource_id = str(uuid.uuid5(self._namespace, name))
        model = _MODELS[str(resource["resourceType"])]
        full_url = f"urn:uuid:{resource_id}"
        self.entries.append(
            {"fullUrl": full_url, "resource": model.model_validate({**resource, "id": resource_id})}
        )
        return full_url


def record_bundle(
    record: RecordPlaintext, *, fhir_base: str, device_id: str, site_id: str
) -> Bundle:
    """The FHIR R4 Bundle for one record (validated; raises pydantic's error if not)."""
    base = fhir_base.rstrip("/")
    entries = _Entries(record.id)
    response = entries.add("questionnaire-response", questionnaire_response(record, fhir_base=base))
    device_refs = _devices(entries, record.answers.bp_readings, base)
    for name, observation in observations(
        record, questionnaire_response=response, device_of=lambda i: device_refs.get(i)
    ):
        entries.add(name, observation)
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": record.id,
            "meta": {
                "tag": [
                    {"system": f"{base}/site", "code": record.site_id},
                    {"system": f"{base}/mode", "code": record.mode},
                    {"system": f"{base}/device", "code": device_id},
                    {"system": f"{base}/enrolled-site", "code": site_id},
                ]
            },
            "identifier": {"system": f"{base}/record-id", "value": record.id},
            "type": "collection",
            "timestamp": record.completed_at.isoformat(),
            "entry": entries.entries,
        }
    )


def _device_key(reading: BloodPressureReading) -> str | None:
    provenance = reading.provenance
    if provenance is not None and provenance.device_id:
        return provenance.device_id
    return reading.source if reading.source != "manual" else None


def _devices(
    entries: _Entries, readings: tuple[BloodPressureReading, ...], base: str
) -> dict[int, str]:
    """One Device per distinct cuff; returns each reading's Device reference by position."""
    by_key: dict[str, str] = {}
    refs: dict[int, str] = {}
    for index, reading in enumerate(readings):
        key = _device_key(reading)
        if key is None:
            continue
        if key not in by_key:
            by_key[key] = entries.add(f"device/{key}", _device_resource(key, reading, base))
        refs[index] = by_key[key]
    return refs


def _device_resource(key: str, reading: BloodPressureReading, base: str) -> dict[str, object]:
    device: dict[str, object] = {
        "resourceType": "Device",
        "identifier": [{"system": f"{base}/device-id", "value": key}],
    }
    provenance = reading.provenance
    if provenance is not None and provenance.device_model:
        device["deviceName"] = [{"name": provenance.device_model, "type": "model-name"}]
    if provenance is not None and provenance.firmware:
        device["version"] = [{"value": provenance.firmware}]
    return device
