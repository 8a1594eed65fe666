"""One record as a FHIR R4 Bundle: valid, parseable, and coded in LOINC and SNOMED CT.

The record is the worked example of docs/score-json.md (a 58-year-old man,
recorded BP 144/90 from reading 2, BMI 28.1, AUDIT-C 5, PHQ-4 5), with a
cuff's provenance on reading 2.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from tests.upstream.fake_kiosk import new_id, plaintext_for
from upstream.fhir.bundle import record_bundle
from upstream.plaintext import parse_plaintext

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
BASE = "https://vital5.invalid/fhir"


def _bundle(**overrides: Any) -> dict[str, Any]:
    record_id = new_id()
    plaintext = json.dumps(plaintext_for(record_id, **overrides)).encode()
    bundle = record_bundle(
        parse_plaintext(plaintext, record_id),
        fhir_base=BASE,
        device_id="kiosk-0123456789abcdef",
        site_id="southwark-library-1",
    )
    text = bundle.model_dump_json()
    Bundle.model_validate_json(text)  # parses back as a valid R4 Bundle
    parsed: dict[str, Any] = json.loads(text)
    return parsed


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    return _bundle()


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _codes(concept: dict[str, Any]) -> dict[str, str]:
    return {coding["system"]: coding["code"] for coding in concept["coding"]}


def _observation(bundle: dict[str, Any], loinc: str) -> dict[str, Any]:
    [found] = [o for o in _resources(bundle, "Observation") if _codes(o["code"])[LOINC] == loinc]
    return found


def test_a_collection_bundle_identified_by_the_record_id(bundle: dict[str, Any]) -> None:
    assert bundle["type"] == "collection"
    assert bundle["identifier"] == {"system": f"{BASE}/record-id", "value": bundle["id"]}
    assert bundle["timestamp"] == "2026-11-25T10:31:00Z"
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(urls) == len(set(urls))
    assert all(url.startswith("urn:uuid:") for url in urls)


def test_the_same_record_gives_the_same_bundle() -> None:
    record_id = new_id()
    plaintext = json.dumps(plaintext_for(record_id)).encode()
    record = parse_plaintext(plaintext, record_id)
    first, second = (
        record_bundle(record, fhir_base=BASE, device_id="k", site_id="s").model_dump_json()
        for _ in range(2)
    )
    assert first == second


def test_bp_is_one_panel_with_systolic_and_diastolic_components(bundle: dict[str, Any]) -> None:
    panel = _observation(bundle, "85354-9")

    assert _codes(panel["code"]) == {LOINC: "85354-9", SNOMED: "75367002"}
    assert "valueQuantity" not in panel
    components = {_codes(c["code"])[LOINC]: c for c in panel["component"]}
    assert _codes(components["8480-6"]["code"]) == {LOINC: "8480-6", SNOMED: "72313002"}
    assert _codes(components["8462-4"]["code"]) == {LOINC: "8462-4", SNOMED: "1091811000000102"}
    assert components["8480-6"]["valueQuantity"] == {
        "value": 144,
        "unit": "mmHg",
        "system": "http://unitsofmeasure.org",
        "code": "mm[Hg]",
    }
    assert components["8462-4"]["valueQuantity"]["value"] == 90
    assert panel["category"][0]["coding"][0]["code"] == "vital-signs"


def test_each_cuff_is_a_device_and_the_bp_points_at_the_one_recorded(
    bundle: dict[str, Any],
) -> None:
    devices = {d["identifier"][0]["value"]: d for d in _resources(bundle, "Device")}
    by_url = {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}

    # Readings 1 and 3 name only a source; reading 2 (the recorded one) has provenance.
    assert set(devices) == {"kiosk-cuff-01", "omron-7361-00123"}
    omron = devices["omron-7361-00123"]
    assert omron["identifier"] == [{"system": f"{BASE}/device-id", "value": "omron-7361-00123"}]
    assert omron["deviceName"] == [{"name": "Omron HEM-7361T", "type": "model-name"}]
    assert omron["version"] == [{"value": "1.4"}]
    for loinc in ("85354-9", "8867-4"):  # the BP panel and the pulse it measured
        assert by_url[_observation(bundle, loinc)["device"]["reference"]] == omron


@pytest.mark.parametrize(
    ("loinc", "snomed", "value", "unit"),
    [
        ("29463-7", "27113001", 81.2, "kg"),
        ("8302-2", "50373000", 170.0, "cm"),
        ("8280-0", "276361009", 92.0, "cm"),
        ("39156-5", "60621009", 28.1, "kg/m2"),
        ("8867-4", "444981005", 72, "/min"),
        ("75626-2", "763256006", 5, "{score}"),
        ("55758-7", "836541000000100", 3, "{score}"),
    ],
)
def test_measures_and_scores_carry_loinc_and_snomed(
    bundle: dict[str, Any], loinc: str, snomed: str, value: float, unit: str
) -> None:
    observation = _observation(bundle, loinc)

    assert _codes(observation["code"]) == {LOINC: loinc, SNOMED: snomed}
    assert observation["valueQuantity"]["value"] == value
    assert observation["valueQuantity"]["code"] == unit
    assert observation["status"] == "final"


@pytest.mark.parametrize(("loinc", "value"), [("70272-0", 5), ("70273-5", 2)])
def test_phq4_and_gad2_totals_have_loinc_only_as_peers_md_lists(
    bundle: dict[str, Any], loinc: str, value: int
) -> None:
    # peers.md §6 found no SNOMED CT concept for these two totals.
    observation = _observation(bundle, loinc)

    assert _codes(observation["code"]) == {LOINC: loinc}
    assert observation["valueQuantity"]["value"] == value


def test_smoking_status_answer_is_snomed(bundle: dict[str, Any]) -> None:
    observation = _observation(bundle, "72166-2")

    assert _codes(observation["valueCodeableConcept"]) == {SNOMED: "8517006"}  # ex-smoker
    assert observation["category"][0]["coding"][0]["code"] == "social-history"


def test_answer_derived_observations_point_at_the_questionnaire_response(
    bundle: dict[str, Any],
) -> None:
    [response] = _resources(bundle, "QuestionnaireResponse")
    [url] = [e["fullUrl"] for e in bundle["entry"] if e["resource"] == response]

    for loinc in ("72166-2", "75626-2", "70272-0"):
        assert _observation(bundle, loinc)["derivedFrom"] == [{"reference": url}]


def test_the_questionnaire_response_holds_every_answer(bundle: dict[str, Any]) -> None:
    [response] = _resources(bundle, "QuestionnaireResponse")
    answers = {
        item["linkId"]: item["answer"][0] for group in response["item"] for item in group["item"]
    }

    assert response["status"] == "completed"
    assert response["questionnaire"] == f"{BASE}/Questionnaire/vital5|1"
    assert answers["about.age"] == {"valueInteger": 58}
    assert answers["about.ethnicity"]["valueCoding"]["code"] == "asian_pakistani"
    assert answers["alcohol.q1"] == {"valueInteger": 3}
    assert answers["mind.phq4.little_interest"] == {"valueInteger": 2}
    assert answers["mind.self_harm_thoughts"] == {"valueBoolean": False}
    readings = [g for g in response["item"] if g["linkId"] == "bp_readings[]"]
    assert [g["item"][0]["answer"][0]["valueInteger"] for g in readings] == [158, 144, 147]


def test_a_check_with_only_the_about_section_is_just_a_questionnaire_response() -> None:
    about = {"age": 40, "sex": "female", "ethnicity": "black_african"}

    bundle = _bundle(answers={"about": about})

    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["QuestionnaireResponse"]


def test_a_manual_reading_has_no_device() -> None:
    answers = {
        "about": {"age": 70, "sex": "female", "ethnicity": "white_british"},
        "bp_readings": [{"systolic": 128, "diastolic": 80}],
    }

    bundle = _bundle(answers=answers)

    assert _resources(bundle, "Device") == []
    assert "device" not in _observation(bundle, "85354-9")
