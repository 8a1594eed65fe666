"""What one Vital 5 Check collected: plain, frozen values with no I/O.

These types are the contract between the shell (web pages, devices, the
`vital5 score` command) and the pure scoring core. Every domain is optional:
a resident may skip a section, a cuff may fail and manual entry be declined,
and the core must still score what it was given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class Sex(StrEnum):
    """Sex as asked on the about-you page."""

    FEMALE = "female"
    MALE = "male"
    # AUDIT-C Q3 has sex-specific wording (clinical.md §3.2, open question §8.9).
    INTERSEX = "intersex"
    NOT_STATED = "not_stated"


class Ethnicity(StrEnum):
    """ONS 2021 census categories, in the census's own order, plus not stated.

    The codes are those clinical.md §2.2 uses for the BMI threshold mapping.
    """

    WHITE_BRITISH = "white_british"
    WHITE_IRISH = "white_irish"
    WHITE_GYPSY_OR_IRISH_TRAVELLER = "white_gypsy_or_irish_traveller"
    WHITE_ROMA = "white_roma"
    WHITE_OTHER = "white_other"
    MIXED_WHITE_BLACK_CARIBBEAN = "mixed_white_black_caribbean"
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african"
    MIXED_WHITE_ASIAN = "mixed_white_asian"
    MIXED_OTHER = "mixed_other"
    ASIAN_INDIAN = "asian_indian"
    ASIAN_PAKISTANI = "asian_pakistani"
    ASIAN_BANGLADESHI = "asian_bangladeshi"
    ASIAN_CHINESE = "asian_chinese"
    ASIAN_OTHER = "asian_other"
    BLACK_AFRICAN = "black_african"
    BLACK_CARIBBEAN = "black_caribbean"
    BLACK_OTHER = "black_other"
    ARAB_OR_MIDDLE_EASTERN = "arab_or_middle_eastern"
    OTHER = "other"
    NOT_STATED = "not_stated"


class SmokingStatus(StrEnum):
    """Tobacco use (clinical.md §5.2). Vaping is a separate field."""

    NEVER = "never"
    EX = "ex"
    CURRENT = "current"


class VapingStatus(StrEnum):
    """E-cigarette use, recorded separately from tobacco (clinical.md §5.2)."""

    NEVER = "never"
    EX = "ex"
    CURRENT = "current"


class Frequency(IntEnum):
    """PHQ-4 answer options and their points (clinical.md §4.1)."""

    NOT_AT_ALL = 0
    SEVERAL_DAYS = 1
    MORE_THAN_HALF_THE_DAYS = 2
    NEARLY_EVERY_DAY = 3


@dataclass(frozen=True, slots=True)
class AboutYou:
    age: int
    sex: Sex
    ethnicity: Ethnicity
    # None when the question was not relevant (not asked) or not answered.
    pregnant: bool | None = None
    postcode: str | None = None


@dataclass(frozen=True, slots=True)
class ReadingProvenance:
    """Where a device reading came from (issue 3): kept, never scored.

    ``device_time`` is the device's own clock as ISO 8601 text, which may be
    wrong (bp-devices.md §6); ``raw_frame_hex`` is the exact bytes decoded.
    """

    device_model: str | None = None
    device_id: str | None = None
    firmware: str | None = None
    device_time: str | None = None
    status_bits: int | None = None
    raw_frame_hex: str | None = None


@dataclass(frozen=True, slots=True)
class BloodPressureReading:
    """One cuff reading in mmHg, in the order it was taken."""

    systolic: int
    diastolic: int
    pulse: int | None = None
    # The cuff flagged an irregular pulse (clinical.md §1.2, NG136 rec 1.1.2).
    irregular_pulse: bool = False
    # "manual" or a device id; provenance only, never used in scoring.
    source: str = "manual"
    provenance: ReadingProvenance | None = None


@dataclass(frozen=True, slots=True)
class BodyMeasurements:
    height_cm: float | None = None
    weight_kg: float | None = None
    waist_cm: float | None = None


@dataclass(frozen=True, slots=True)
class SmokingAnswers:
    status: SmokingStatus
    # Only for current smokers; includes hand-rolled (clinical.md §5.2).
    cigarettes_per_day: int | None = None
    # Other tobacco such as shisha or cigars (clinical.md §5.2).
    other_tobacco: bool = False
    vaping: VapingStatus | None = None


@dataclass(frozen=True, slots=True)
class AuditCAnswers:
    """UK AUDIT-C points, each 0–4 (clinical.md §3.2).

    When q1 is 0 ("Never"), q2 and q3 are not asked and are None (rule A1).
    """

    q1: int
    q2: int | None = None
    q3: int | None = None


@dataclass(frozen=True, slots=True)
class Phq4Answers:
    """PHQ-4 items in the published order (clinical.md §4.1)."""

    nervous: Frequency
    worrying: Frequency
    little_interest: Frequency
    feeling_down: Frequency


@dataclass(frozen=True, slots=True)
class MindAnswers:
    phq4: Phq4Answers | None = None
    # The safeguarding question (clinical.md §4.3): True only on disclosure.
    # None means the person chose not to answer.
    self_harm_thoughts: bool | None = None


@dataclass(frozen=True, slots=True)
class CheckAnswers:
    """Everything one check collected; None marks a skipped section."""

    about: AboutYou
    bp_readings: tuple[BloodPressureReading, ...] = field(default=())
    body: BodyMeasurements = field(default_factory=BodyMeasurements)
    smoking: SmokingAnswers | None = None
    alcohol: AuditCAnswers | None = None
    mind: MindAnswers | None = None
