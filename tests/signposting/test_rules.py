"""The rule table: every rule, borough filtering, eligibility, unverified entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk_app.domain.answers import Ethnicity, Sex
from kiosk_app.signposting import (
    RULES,
    Kind,
    Reason,
    choose_signposts,
    load_directory,
    reasons_for,
)
from tests.signposting.helpers import check, directory, service

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = load_directory(ROOT / "signposting")
SHOWN = SHIPPED.visible(show_unverified=False)

STAGE_1 = ((145, 92), (146, 91))  # complete, recorded 145/92 (§9 B2)
STAGE_2 = ((165, 95), (166, 96))
SEVERE = ((185, 100), (186, 101))
NORMAL = ((118, 76),)


# ---- reasons: which clinical codes raise which signposts -------------------

REASONS: list[tuple[str, dict[str, object], set[Reason]]] = [
    ("nothing to act on", {"bp": NORMAL, "bmi": 22.0, "audit_c": (1, 0, 0),
                           "phq4": (0, 0, 0, 0), "self_harm": False}, set()),
    # clinical.md §1.5: stage 1/2 -> pharmacy ABPM or GP.
    ("stage 1", {"bp": STAGE_1}, {Reason.BP_HIGH, Reason.GP_REGISTRATION}),
    ("stage 2", {"bp": STAGE_2}, {Reason.BP_HIGH, Reason.GP_REGISTRATION}),
    # §9 B4: one high reading is provisional, and still wants a recheck.
    ("stage 1, provisional", {"bp": ((145, 92),)}, {Reason.BP_HIGH, Reason.GP_REGISTRATION}),
    # §1.5: severe -> same-day GP / urgent care (no ABPM signpost).
    ("severe", {"bp": SEVERE}, {Reason.BP_SEVERE}),
    # §1.6: pregnant -> midwife / maternity triage, not the NG136 ABPM path.
    ("pregnant, stage 1", {"bp": STAGE_1, "pregnant": True},
     {Reason.BP_PREGNANCY, Reason.GP_REGISTRATION}),
    ("pregnant, severe", {"bp": SEVERE, "pregnant": True},
     {Reason.BP_SEVERE, Reason.BP_PREGNANCY, Reason.GP_REGISTRATION}),
    # §9 E1: no adult bands under 18, so no BP signpost.
    ("under 18, high reading", {"age": 16, "bp": STAGE_2}, set()),
    # §2.2 bands above healthy.
    ("overweight", {"bmi": 26.0}, {Reason.WEIGHT, Reason.GP_REGISTRATION}),
    ("obesity class 3", {"bmi": 45.0}, {Reason.WEIGHT, Reason.GP_REGISTRATION}),
    ("underweight", {"bmi": 17.0}, set()),
    ("pregnant, high BMI", {"bmi": 35.0, "pregnant": True}, set()),  # §9 E2
    # §5.3, §9 S1.
    ("smoker", {"smoker": True}, {Reason.SMOKING}),
    # §3.3: 5+ brief advice + local service; 11+ specialist assessment.
    ("AUDIT-C 4", {"audit_c": (2, 1, 1)}, set()),
    ("AUDIT-C 5", {"audit_c": (2, 2, 1)}, {Reason.ALCOHOL_ADVICE, Reason.GP_REGISTRATION}),
    ("AUDIT-C 10", {"audit_c": (4, 3, 3)}, {Reason.ALCOHOL_ADVICE, Reason.GP_REGISTRATION}),
    ("AUDIT-C 11", {"audit_c": (4, 4, 3)}, {Reason.ALCOHOL_SPECIALIST, Reason.GP_REGISTRATION}),
    ("AUDIT-C 11, under 18", {"age": 17, "audit_c": (4, 4, 3)}, set()),
    # §4.1 / M1: a positive PHQ-2 or GAD-2 (each 3+).
    ("GAD-2 positive", {"phq4": (2, 1, 0, 0)}, {Reason.MIND_TALKING_THERAPY,
                                               Reason.GP_REGISTRATION}),
    ("PHQ-2 positive", {"phq4": (0, 0, 1, 2)}, {Reason.MIND_TALKING_THERAPY,
                                               Reason.GP_REGISTRATION}),
    ("both subscales 2", {"phq4": (1, 1, 1, 1)}, set()),
    # §4.3 / M2: only a disclosure raises crisis signposts, at any age.
    ("self-harm disclosure", {"self_harm": True}, {Reason.MIND_CRISIS}),
    ("self-harm disclosure, under 18", {"age": 15, "self_harm": True}, {Reason.MIND_CRISIS}),
    ("severe PHQ-4, no disclosure", {"phq4": (3, 3, 3, 3), "self_harm": False},
     {Reason.MIND_TALKING_THERAPY, Reason.GP_REGISTRATION}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("facts", "expected"), [r[1:] for r in REASONS], ids=[r[0] for r in REASONS]
)
def test_reasons_follow_the_clinical_codes(facts: dict[str, object], expected: set[Reason]) -> None:
    result, _ = check(**facts)  # type: ignore[arg-type]
    assert reasons_for(result) == expected


def test_every_reason_has_exactly_one_rule() -> None:
    assert [rule.reason for rule in RULES] == list(Reason)


# ---- each rule against the shipped directory, in Southwark and Lambeth ------


def _ids(facts: dict[str, object], borough: str) -> list[str]:
    result, about = check(**facts)  # type: ignore[arg-type]
    return [s.service.id for s in choose_signposts(result, borough, SHOWN, about=about)]


RULE_TABLE: list[tuple[str, dict[str, object], str, list[str]]] = [
    ("stage 1, Southwark", {"bp": STAGE_1}, "Southwark",
     ["nhs-pharmacy-bp-check", "gp-registration"]),
    ("stage 1, Lambeth: the health bus first", {"bp": STAGE_1}, "Lambeth",
     ["lambeth-health-wellbeing-bus", "nhs-pharmacy-bp-check", "gp-registration"]),
    ("severe", {"bp": SEVERE}, "Southwark", ["nhs-111"]),
    ("smoker, Southwark (its own service is unverified)", {"smoker": True}, "Southwark",
     ["gstt-stop-smoking-hospital", "nhs-smokefree-helpline"]),
    ("smoker, Lambeth", {"smoker": True}, "Lambeth",
     ["lambeth-stop-smoking-service-gstt", "gstt-stop-smoking-hospital",
      "nhs-smokefree-helpline"]),
    ("smoker, Greenwich", {"smoker": True}, "Greenwich",
     ["greenwich-stop-smoking", "nhs-smokefree-helpline"]),
    ("AUDIT-C 6, Southwark: advice, then the local service", {"audit_c": (2, 2, 2)}, "Southwark",
     ["cgl-webchat", "cgl-southwark", "gp-registration"]),
    ("AUDIT-C 12, Southwark: the local service first", {"audit_c": (4, 4, 4)}, "Southwark",
     ["cgl-southwark", "cgl-webchat", "gp-registration"]),
    ("AUDIT-C 12, Lambeth", {"audit_c": (4, 4, 4)}, "Lambeth",
     ["lambeth-lorraine-hewitt-house", "lambeth-the-harbour", "lambeth-drink-coach",
      "cgl-webchat", "gp-registration"]),
    ("PHQ-2 positive, Southwark", {"phq4": (0, 0, 2, 2)}, "Southwark",
     ["talking-therapies-southwark", "gp-registration"]),
    ("PHQ-2 positive, Lambeth", {"phq4": (0, 0, 2, 2)}, "Lambeth",
     ["lambeth-talking-therapies", "gp-registration"]),
    ("PHQ-2 positive, Greenwich (none found)", {"phq4": (0, 0, 2, 2)}, "Greenwich",
     ["gp-registration"]),
    ("self-harm, Southwark", {"self_harm": True}, "Southwark",
     ["slam-mental-health-crisis-line", "nhs-111-option-2-mental-health", "samaritans",
      "shout-85258"]),
    ("self-harm, Greenwich (Oxleas number unverified)", {"self_harm": True}, "Greenwich",
     ["nhs-111-option-2-mental-health", "samaritans", "shout-85258"]),
    ("overweight, Southwark", {"bmi": 26.0}, "Southwark",
     ["nhs-weight-loss-plan-app", "gp-registration"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("facts", "borough", "expected"), [r[1:] for r in RULE_TABLE], ids=[r[0] for r in RULE_TABLE]
)
def test_rule_table_against_the_shipped_directory(
    facts: dict[str, object], borough: str, expected: list[str]
) -> None:
    assert _ids(facts, borough) == expected


def test_signposts_keep_rule_order_and_domain() -> None:
    result, about = check(bp=STAGE_1, smoker=True, self_harm=True, phq4=(3, 0, 0, 0))
    chosen = choose_signposts(result, "Southwark", SHOWN, about=about)
    reasons = [s.reason for s in chosen]
    assert reasons == sorted(reasons, key=[r.reason for r in RULES].index)
    assert reasons[0] is Reason.MIND_CRISIS
    assert {s.domain for s in chosen} == {"mind", "blood_pressure", "smoking", "gp"}


# ---- borough filtering and ordering ----------------------------------------


def test_local_services_come_first_then_national_in_file_order() -> None:
    small = directory(
        service("national-1"),
        service("lambeth-only", boroughs=["Lambeth"]),
        service("national-2"),
        service("southwark-only", boroughs=["Southwark"]),
    )
    result, about = check(smoker=True)
    in_lambeth = choose_signposts(result, "Lambeth", small, about=about)
    assert [s.service.id for s in in_lambeth] == ["lambeth-only", "national-1", "national-2"]
    in_bexley = choose_signposts(result, "Bexley", small, about=about)
    assert [s.service.id for s in in_bexley] == ["national-1", "national-2"]


def test_a_service_offering_two_kinds_of_one_rule_is_shown_once() -> None:
    both = service("both", needs=["alcohol"], kinds=["alcohol_advice", "alcohol_service"])
    result, about = check(audit_c=(2, 2, 2))
    chosen = choose_signposts(result, "Lambeth", directory(both), about=about)
    assert [s.service.id for s in chosen] == ["both"]


# ---- unverified entries: hidden unless in a demo ------------------------------


def test_unverified_entries_are_hidden_unless_demo() -> None:
    result, about = check(smoker=True)
    demo = SHIPPED.visible(show_unverified=True)
    shown = [s.service.id for s in choose_signposts(result, "Southwark", SHOWN, about=about)]
    in_demo = [s.service.id for s in choose_signposts(result, "Southwark", demo, about=about)]
    assert "southwark-stop-smoking-service" not in shown
    assert in_demo[0] == "southwark-stop-smoking-service"


# ---- eligibility by BMI and family background --------------------------------

HUB = "lambeth-healthy-weight-hub"

ELIGIBILITY: list[tuple[float, Ethnicity, bool | None]] = [
    # BMI 30-40 for everyone (local-services.md §6) ...
    (30.0, Ethnicity.WHITE_BRITISH, False),
    (35.0, Ethnicity.WHITE_BRITISH, False),
    (40.0, Ethnicity.WHITE_BRITISH, False),
    (29.9, Ethnicity.WHITE_BRITISH, None),
    (40.1, Ethnicity.WHITE_BRITISH, None),
    # ... 27.5-40 for Black African, Black Caribbean and South Asian residents.
    (27.5, Ethnicity.BLACK_AFRICAN, False),
    (28.0, Ethnicity.BLACK_CARIBBEAN, False),
    (29.0, Ethnicity.ASIAN_BANGLADESHI, False),
    (27.4, Ethnicity.BLACK_AFRICAN, None),
    (40.1, Ethnicity.ASIAN_INDIAN, None),
    # Chinese and Arab backgrounds get lower BMI bands (clinical.md §2.2) but
    # are not in the hub's list, so only the standard range applies.
    (28.0, Ethnicity.ASIAN_CHINESE, None),
    (28.0, Ethnicity.ARAB_OR_MIDDLE_EASTERN, None),
    # Latinx has no ONS code: codes that may include it are shown, with a check.
    (28.0, Ethnicity.WHITE_OTHER, True),
    (28.0, Ethnicity.OTHER, True),
    (28.0, Ethnicity.NOT_STATED, True),
    (31.0, Ethnicity.NOT_STATED, False),
]


@pytest.mark.parametrize(("bmi", "ethnicity", "check_needed"), ELIGIBILITY)
def test_weight_hub_eligibility_by_bmi_and_ethnicity(
    bmi: float, ethnicity: Ethnicity, check_needed: bool | None
) -> None:
    """check_needed: None = not shown; False = shown; True = shown with a check."""
    result, about = check(bmi=bmi, ethnicity=ethnicity)
    chosen = choose_signposts(result, "Lambeth", SHOWN, about=about)
    hub = [s for s in chosen if s.service.id == HUB]
    if check_needed is None:
        assert hub == []
    else:
        assert [s.check_eligibility for s in hub] == [check_needed]


def test_weight_hub_is_only_for_lambeth() -> None:
    result, about = check(bmi=32.0)
    assert HUB not in [
        s.service.id for s in choose_signposts(result, "Southwark", SHOWN, about=about)
    ]


@pytest.mark.parametrize(
    ("sex", "ethnicity", "shown"),
    [
        (Sex.MALE, Ethnicity.BLACK_CARIBBEAN, True),
        (Sex.FEMALE, Ethnicity.BLACK_CARIBBEAN, False),
        (Sex.MALE, Ethnicity.WHITE_BRITISH, False),
        (Sex.NOT_STATED, Ethnicity.BLACK_AFRICAN, False),
    ],
)
def test_programme_for_men_of_colour_checks_sex_and_background(
    sex: Sex, ethnicity: Ethnicity, shown: bool
) -> None:
    result, about = check(bmi=31.0, sex=sex, ethnicity=ethnicity)
    ids = [s.service.id for s in choose_signposts(result, "Lambeth", SHOWN, about=about)]
    assert ("black-mens-consortium-weight" in ids) is shown


def test_a_service_needing_a_diagnosis_the_kiosk_does_not_ask_is_never_chosen() -> None:
    referral_only = service(
        "needs-diagnosis",
        needs=["weight"],
        kinds=["weight_programme"],
        eligibility={"bmi": {"min": 30}, "needs_diagnosis": ["diabetes"]},
    )
    result, about = check(bmi=33.0, bp=STAGE_2)
    assert choose_signposts(result, "Lambeth", directory(referral_only), about=about) == []


def test_adults_only_and_without_about_facts() -> None:
    adults = service(
        "adults",
        needs=["mental_health"],
        kinds=["crisis_line"],
        eligibility={"adults_only": True},
    )
    young, about = check(age=16, self_harm=True)
    assert choose_signposts(young, "Lambeth", directory(adults), about=about) == []
    grown, _ = check(age=30, self_harm=True)
    # Without the about-you facts, sex and background are "not stated".
    assert [s.service.id for s in choose_signposts(grown, "Lambeth", directory(adults))] == [
        "adults"
    ]


def test_kinds_no_rule_asks_for_are_never_chosen() -> None:
    asked = {kind for rule in RULES for kind in rule.kinds}
    assert set(Kind) - asked == {
        Kind.EMERGENCY,  # 999 is advice in the templates' own words
        Kind.WEIGHT_REFERRAL,
        Kind.HEALTH_CHECK,
        Kind.WOMENS_HEALTH,
    }
