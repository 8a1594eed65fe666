"""The services directory: the shipped file loads, and each kind of bad entry
is refused with a coded message naming the service and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk_app.signposting import (
    Code,
    DirectoryError,
    Kind,
    load_directory,
    parse_directory,
    tel_href,
)
from tests.signposting.helpers import directory, service

ROOT = Path(__file__).resolve().parents[2]
SIGNPOSTING = ROOT / "signposting"


# ---- the shipped directory ----------------------------------------------


def test_shipped_directory_loads_and_every_entry_is_described() -> None:
    shipped = load_directory(SIGNPOSTING)
    assert len(shipped.services) >= 30
    for entry in shipped.services:
        assert entry.description.strip(), entry.id
        assert entry.source.strip(), entry.id


def test_shipped_directory_hides_exactly_the_unverified_entries() -> None:
    shipped = load_directory(SIGNPOSTING)
    unverified = {s.id for s in shipped.services if not s.verified}
    # local-services.md: conflicting, from memory, or doubtful as current.
    assert unverified == {
        "oxleas-mental-health-crisis-line",
        "southwark-stop-smoking-service",
        "drinkline",
        "greenwich-4-healthy-weight",
    }
    shown = shipped.visible(show_unverified=False)
    assert {s.id for s in shown.services} == {s.id for s in shipped.services} - unverified
    assert shipped.visible(show_unverified=True) == shipped


def test_shipped_crisis_contacts_match_clinical_reference() -> None:
    # clinical.md §4.3: 111 option 2, SLaM 0800 731 2864, Samaritans 116 123.
    shipped = load_directory(SIGNPOSTING)
    option_2 = shipped.get("nhs-111-option-2-mental-health")
    slam = shipped.get("slam-mental-health-crisis-line")
    samaritans = shipped.get("samaritans")
    assert option_2 is not None
    assert slam is not None
    assert samaritans is not None
    assert (option_2.contact.phone, option_2.contact.phone_note) == ("111", "then press 2")
    assert option_2.contact.phone_href == "tel:111"
    assert slam.contact.phone_href == "tel:+448007312864"
    assert samaritans.contact.phone_href == "tel:116123"
    assert Kind.CRISIS_LINE in slam.kinds


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_directory(tmp_path)


def test_load_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text("- id: x\n", encoding="utf-8")
    with pytest.raises(DirectoryError) as caught:
        load_directory(tmp_path)
    assert str(tmp_path / "services.yaml") in str(caught.value)


# ---- phone numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "href"),
    [
        ("999", "tel:999"),
        ("111", "tel:111"),
        ("116 123", "tel:116123"),
        ("0800 731 2864", "tel:+448007312864"),
        ("020 3228 2194", "tel:+442032282194"),
        ("07920 473228", "tel:+447920473228"),
        ("+44 300 123 1044", "tel:+443001231044"),
    ],
)
def test_uk_numbers_full_and_short_are_accepted(number: str, href: str) -> None:
    entry = directory(service(contact={"phone": number})).services[0]
    assert entry.contact.phone_href == href
    assert tel_href(number) == href


@pytest.mark.parametrize(
    ("number", "code"),
    [
        # Letters would be dialled as digits ("then" -> 8436): refused outright.
        ("111 then press 2", Code.PHONE_WORDS),
        ("0800 FLOWERS", Code.PHONE_WORDS),
        ("0800 856 3409 / 020 3049 5791", Code.PHONE_WORDS),
        ("0800 123", Code.PHONE_INVALID),
        ("12345678901234", Code.PHONE_INVALID),
        ("18001 111", Code.PHONE_INVALID),  # a textphone prefix: goes in contact.text
    ],
)
def test_bad_phone_numbers_are_refused(number: str, code: Code) -> None:
    with pytest.raises(DirectoryError) as caught:
        directory(service("helpline", contact={"phone": number}))
    (problem,) = caught.value.problems
    assert (problem.code, problem.service, problem.field) == (code, "helpline", "contact.phone")


def test_second_number_is_checked_too() -> None:
    with pytest.raises(DirectoryError) as caught:
        directory(service("two", contact={"phone": "111", "phone_alt": "0800 12"}))
    assert caught.value.problems[0].field == "contact.phone_alt"


# ---- every other kind of bad entry -------------------------------------------


BAD: list[tuple[str, dict[str, Any], Code, str]] = [
    ("missing description", {"description": None}, Code.SCHEMA, "description"),
    ("unknown field", {"opening": "9-5"}, Code.SCHEMA, "opening"),
    ("bad id", {"id": "Bad Id"}, Code.SCHEMA, "id"),
    ("unknown need", {"needs": ["smoking", "dentistry"]}, Code.SCHEMA, "needs.1"),
    ("unknown kind", {"kinds": ["massage"]}, Code.SCHEMA, "kinds.0"),
    ("self_referral not a bool", {"self_referral": "maybe"}, Code.SCHEMA, "self_referral"),
    ("misspelt borough", {"boroughs": ["Lamberth"]}, Code.BOROUGH, "boroughs"),
    ("all beside a borough", {"boroughs": ["all", "Lambeth"]}, Code.BOROUGH, "boroughs"),
    ("web with words", {"contact": {"web": "NHS website (URL not captured)"}}, Code.WEB_INVALID,
     "contact.web"),
    ("email", {"contact": {"email": "jo at samaritans"}}, Code.EMAIL_INVALID, "contact.email"),
    ("kind without its need", {"kinds": ["talking_therapy"]}, Code.KIND_WITHOUT_NEED, ""),
    ("unverified, no note", {"verified": False, "notes": " "}, Code.UNVERIFIED_NO_NOTE, ""),
    ("percent in text", {"hours": "100% free"}, Code.MARKUP, ""),
    ("markup in text", {"description": "<b>Free</b>"}, Code.MARKUP, ""),
    ("BMI range upside down", {"eligibility": {"bmi": {"min": 40, "max": 30}}}, Code.ELIGIBILITY,
     "eligibility.bmi"),
    ("lower range alone", {"eligibility": {"lower_bmi": {"min": 27.5, "ethnicities": [
        "black_african"]}}}, Code.ELIGIBILITY, "eligibility"),
    ("unknown ethnicity code", {"eligibility": {"ethnicities": ["latinx"]}}, Code.SCHEMA,
     "eligibility.ethnicities.0"),
    ("group both sure and possible", {"eligibility": {"bmi": {"min": 30}, "lower_bmi": {
        "min": 27.5, "ethnicities": ["other"], "possible_ethnicities": ["other"]}}},
     Code.ELIGIBILITY, "eligibility.lower_bmi"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "code", "field"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_entry_is_refused_with_code_service_and_field(
    change: dict[str, Any], code: Code, field: str
) -> None:
    entry = service("the-service", **change)
    if change.get("description", "") is None:
        del entry["description"]
    with pytest.raises(DirectoryError) as caught:
        directory(service("fine"), entry)
    (problem,) = caught.value.problems
    assert problem.code is code
    # The service is named by its id as written, right or wrong.
    assert problem.service == change.get("id", "the-service")
    assert problem.field == field
    message = str(caught.value)
    assert f"[{code.value}]" in message
    assert "1 problem" in message


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(DirectoryError) as caught:
        directory(
            service("one", contact={"phone": "111 then press 2"}),
            service("two", boroughs=["Narnia"]),
        )
    assert [(p.service, p.code) for p in caught.value.problems] == [
        ("one", Code.PHONE_WORDS),
        ("two", Code.BOROUGH),
    ]


def test_an_entry_without_an_id_is_named_by_its_place() -> None:
    entry = service()
    del entry["id"]
    with pytest.raises(DirectoryError) as caught:
        directory(service("fine"), entry)
    assert [(p.service, p.field) for p in caught.value.problems] == [("entry 2", "id")]


@pytest.mark.parametrize("field", ["boroughs", "needs", "kinds"])
def test_empty_lists_are_refused(field: str) -> None:
    with pytest.raises(DirectoryError) as caught:
        directory(service("empty", **{field: []}))
    assert [(p.code, p.field) for p in caught.value.problems] == [(Code.SCHEMA, field)]


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(DirectoryError) as caught:
        directory(service("same"), service("same"))
    assert [(p.code, p.service, p.field) for p in caught.value.problems] == [
        (Code.DUPLICATE_ID, "same", "id")
    ]


@pytest.mark.parametrize("text", ["", "[]", "services: {}", "- [unclosed", "42"])
def test_a_file_that_is_not_a_list_of_services_is_refused(text: str) -> None:
    with pytest.raises(DirectoryError) as caught:
        parse_directory(text)
    assert caught.value.problems[0].code is Code.FILE


def test_croydon_and_other_london_boroughs_are_known() -> None:
    entry = directory(service(boroughs=["Croydon", "Kingston upon Thames"])).services[0]
    assert entry.serves("Croydon")
    assert not entry.serves("Lambeth")
    assert directory(service()).services[0].serves("Anywhere")
