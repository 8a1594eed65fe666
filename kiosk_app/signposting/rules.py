"""Which services to show a resident: pure rules over the scored check.

Theory of operation. ``reasons_for`` reads the clinical codes the scoring
core already set (it never re-scores) and returns the reasons to signpost,
each with the clinical.md section it comes from. ``RULES`` says, for each
reason, which *kinds* of service help, in order. ``choose_signposts`` then
walks the directory: a service is chosen when it offers that kind, serves the
resident's borough (or "all"), and its eligibility data lets the resident in
(eligibility.py). Local services come before national ones of the same kind;
otherwise the directory's own order stands. So which services exist, where,
and for whom is data (services.yaml); when to signpost is here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from kiosk_app.domain.answers import AboutYou, Ethnicity, Sex
from kiosk_app.domain.scoring.blood_pressure import BpCategory
from kiosk_app.domain.scoring.weight import BmiCategory
from kiosk_app.domain.vital5 import Vital5Result
from kiosk_app.signposting.directory import ALL, Directory, Kind, Service
from kiosk_app.signposting.eligibility import Verdict, evaluate


class Reason(StrEnum):
    MIND_CRISIS = "mind_crisis"
    BP_SEVERE = "bp_severe"
    BP_HIGH = "bp_high"
    BP_PREGNANCY = "bp_pregnancy"
    WEIGHT = "weight"
    SMOKING = "smoking"
    ALCOHOL_SPECIALIST = "alcohol_specialist"
    ALCOHOL_ADVICE = "alcohol_advice"
    MIND_TALKING_THERAPY = "mind_talking_therapy"
    GP_REGISTRATION = "gp_registration"


@dataclass(frozen=True, slots=True)
class Rule:
    reason: Reason
    # The results card it belongs under (the keys of result_text.DOMAIN_TITLES,
    # plus "gp" for the section after the cards).
    domain: str
    kinds: tuple[Kind, ...]


# The rule table, in the order signposts are listed (urgent first).
RULES: Final = (
    # clinical.md §4.3: the SLaM crisis line (local), 111 option 2,
    # Samaritans, Shout. "999 or A&E if life is at risk" is advice the
    # templates give in those words (_signposts.html crisis_lead), not a card.
    Rule(Reason.MIND_CRISIS, "mind", (Kind.CRISIS_LINE, Kind.EMOTIONAL_SUPPORT)),
    # §1.5 "App mapping": same-day GP or urgent care (NHS 111 can book one).
    # The 999 / A&E advice with symptoms is the template's (severe_bp_advice).
    Rule(Reason.BP_SEVERE, "blood_pressure", (Kind.URGENT_CARE,)),
    # §1.5: stage 1/2 -> ABPM from the pharmacy BP check service, or the GP.
    Rule(Reason.BP_HIGH, "blood_pressure", (Kind.BP_CHECK,)),
    # §1.6: pregnant and 140/90 or higher -> midwife or maternity triage
    # (NG133, not the NG136 ABPM pathway).
    Rule(Reason.BP_PREGNANCY, "blood_pressure", (Kind.MATERNITY,)),
    # §2.2 bands; which programme takes whom is each service's eligibility.
    Rule(Reason.WEIGHT, "weight", (Kind.WEIGHT_PROGRAMME,)),
    # §5.3 Very Brief Advice, ACT: offer the local stop smoking service.
    Rule(Reason.SMOKING, "smoking", (Kind.STOP_SMOKING,)),
    # §3.3: 11-12 possible dependence -> specialist assessment, not brief
    # advice alone.
    Rule(
        Reason.ALCOHOL_SPECIALIST,
        "alcohol",
        (Kind.ALCOHOL_SERVICE, Kind.ALCOHOL_ADVICE),
    ),
    # §3.3: 5 or more (AUDIT-C positive) -> brief advice, and the local
    # alcohol service.
    Rule(Reason.ALCOHOL_ADVICE, "alcohol", (Kind.ALCOHOL_ADVICE, Kind.ALCOHOL_SERVICE)),
    # §4.1: a positive PHQ-2 or GAD-2 -> NHS Talking Therapies self-referral.
    Rule(Reason.MIND_TALKING_THERAPY, "mind", (Kind.TALKING_THERAPY,)),
    # Every pathway above that runs through a GP: registering is free and
    # needs no proof of address or ID (local-services.md §1).
    Rule(Reason.GP_REGISTRATION, "gp", (Kind.GP_REGISTRATION,)),
)
RULE_FOR: Final = {rule.reason: rule for rule in RULES}

_HIGH_BP: Final = frozenset({BpCategory.STAGE_1, BpCategory.STAGE_2})
_ABOVE_HEALTHY: Final = frozenset(
    {
        BmiCategory.OVERWEIGHT,
        BmiCategory.OBESITY_CLASS_1,
        BmiCategory.OBESITY_CLASS_2,
        BmiCategory.OBESITY_CLASS_3,
    }
)
# Reasons whose next step names the GP (result_text.py): show how to register.
_THROUGH_A_GP: Final = frozenset(
    {
        Reason.BP_HIGH,
        Reason.BP_PREGNANCY,
        Reason.WEIGHT,
        Reason.ALCOHOL_SPECIALIST,
        Reason.ALCOHOL_ADVICE,
        Reason.MIND_TALKING_THERAPY,
    }
)


def reasons_for(result: Vital5Result) -> frozenset[Reason]:
    """The reasons to signpost, from the codes the scoring core set."""
    found: set[Reason] = set()
    bp = result.blood_pressure
    if bp is not None:
        if bp.bp_severe_same_day_assessment:  # §1.5; raised even if provisional (§9 B4)
            found.add(Reason.BP_SEVERE)
        if bp.signpost_midwife:  # §1.6
            found.add(Reason.BP_PREGNANCY)
        elif bp.category in _HIGH_BP:  # §1.5; a provisional one still needs a recheck (B4)
            found.add(Reason.BP_HIGH)
    weight = result.weight
    if weight is not None and weight.bmi_category in _ABOVE_HEALTHY:  # §2.2, none in pregnancy
        found.add(Reason.WEIGHT)
    if result.smoking is not None and result.smoking.smoking_flag:  # §5.3, §9 S1
        found.add(Reason.SMOKING)
    alcohol = result.alcohol
    if alcohol is not None and alcohol.specialist_assessment:  # §3.3, 11-12
        found.add(Reason.ALCOHOL_SPECIALIST)
    elif alcohol is not None and alcohol.full_audit_needed:  # §3.3, 5 or more
        found.add(Reason.ALCOHOL_ADVICE)
    mind = result.mind
    if mind is not None and mind.mental_health_crisis_signpost:  # §4.3, §9 M2
        found.add(Reason.MIND_CRISIS)
    if mind is not None and mind.phq4 is not None and mind.phq4.any_positive:  # §4.1, M1
        found.add(Reason.MIND_TALKING_THERAPY)
    if found & _THROUGH_A_GP:
        found.add(Reason.GP_REGISTRATION)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Signpost:
    reason: Reason
    service: Service
    # Eligibility verdict MAYBE: shown, with "check with them that you can join".
    check_eligibility: bool = False

    @property
    def domain(self) -> str:
        return RULE_FOR[self.reason].domain


def _verdict(service: Service, result: Vital5Result, about: AboutYou | None) -> Verdict:
    if service.eligibility is None:
        return Verdict.YES
    return evaluate(
        service.eligibility,
        bmi=None if result.weight is None else result.weight.bmi,
        ethnicity=Ethnicity.NOT_STATED if about is None else about.ethnicity,
        sex=Sex.NOT_STATED if about is None else about.sex,
        adult=result.adult_thresholds_apply,
    )


def _local_first(services: Iterable[Service]) -> list[Service]:
    # Stable: within local and within national, the directory's order.
    return sorted(services, key=lambda s: ALL in s.boroughs)


def choose_signposts(
    result: Vital5Result,
    locality: str,
    directory: Directory,
    *,
    about: AboutYou | None = None,
) -> list[Signpost]:
    """The services to show, by rule order; ``about`` gives eligibility facts.

    ``directory`` is what the resident may see (already filtered for
    unverified entries by the shell); ``locality`` is a borough name.
    """
    reasons = reasons_for(result)
    chosen: list[Signpost] = []
    for rule in RULES:
        if rule.reason not in reasons:
            continue
        seen: set[str] = set()
        for kind in rule.kinds:
            offering = [s for s in directory.services if kind in s.kinds and s.serves(locality)]
            for service in _local_first(offering):
                if service.id in seen:
                    continue
                verdict = _verdict(service, result, about)
                if verdict is Verdict.NO:
                    continue
                seen.add(service.id)
                chosen.append(Signpost(rule.reason, service, verdict is Verdict.MAYBE))
    return chosen
