"""The services directory: its schema, and the loaders (the package's only I/O).

``signposting/services.yaml`` is data, checked when it is loaded: a bad entry
stops the kiosk at start-up with a coded message naming the service and the
field (style-anchors.md habits 3 and A6), never halfway through a resident's
results. Adding a service needs no code change (signposting/README.md).
How to reach a service (and its phone checks) is contact.py; who it is for
is eligibility.py.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final

import yaml
from pydantic import (
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from kiosk_app.signposting.contact import Contact
from kiosk_app.signposting.eligibility import Eligibility
from kiosk_app.signposting.locality import (
    LONDON_BOROUGHS,
    PostcodeLookup,
    parse_postcode_lookup,
)
from kiosk_app.signposting.problems import Code, DirectoryError, Problem, StrictModel, coded

SERVICES_FILE: Final = "services.yaml"
ALL: Final = "all"  # a service open to everyone, wherever they live
_MARKUP: Final = re.compile(r"[%<>]")


class Need(StrEnum):
    """The Vital 5 area a service helps with (the seed's coarse tag)."""

    BP = "bp"
    SMOKING = "smoking"
    ALCOHOL = "alcohol"
    MENTAL_HEALTH = "mental_health"
    WEIGHT = "weight"
    URGENT = "urgent"
    GENERAL = "general"


class Kind(StrEnum):
    """What a service offers; the rules (rules.py) ask for kinds, not ids."""

    EMERGENCY = "emergency"  # 999
    URGENT_CARE = "urgent_care"  # NHS 111
    CRISIS_LINE = "crisis_line"  # mental health crisis, by phone
    EMOTIONAL_SUPPORT = "emotional_support"  # Samaritans, Shout
    TALKING_THERAPY = "talking_therapy"
    BP_CHECK = "bp_check"
    STOP_SMOKING = "stop_smoking"
    ALCOHOL_ADVICE = "alcohol_advice"  # helplines, web chat, self-tests
    ALCOHOL_SERVICE = "alcohol_service"  # local drug and alcohol treatment
    WEIGHT_PROGRAMME = "weight_programme"
    WEIGHT_REFERRAL = "weight_referral"  # specialist, by GP referral only
    GP_REGISTRATION = "gp_registration"
    MATERNITY = "maternity"
    HEALTH_CHECK = "health_check"
    WOMENS_HEALTH = "womens_health"


# The need a kind belongs to: an entry must list it, so the coarse tag and
# the fine one cannot drift apart.
KIND_NEED: Final = {
    Kind.EMERGENCY: Need.URGENT,
    Kind.URGENT_CARE: Need.URGENT,
    Kind.CRISIS_LINE: Need.MENTAL_HEALTH,
    Kind.EMOTIONAL_SUPPORT: Need.MENTAL_HEALTH,
    Kind.TALKING_THERAPY: Need.MENTAL_HEALTH,
    Kind.BP_CHECK: Need.BP,
    Kind.STOP_SMOKING: Need.SMOKING,
    Kind.ALCOHOL_ADVICE: Need.ALCOHOL,
    Kind.ALCOHOL_SERVICE: Need.ALCOHOL,
    Kind.WEIGHT_PROGRAMME: Need.WEIGHT,
    Kind.WEIGHT_REFERRAL: Need.WEIGHT,
    Kind.GP_REGISTRATION: Need.GENERAL,
    Kind.MATERNITY: Need.GENERAL,
    Kind.HEALTH_CHECK: Need.GENERAL,
    Kind.WOMENS_HEALTH: Need.GENERAL,
}


NonEmpty = Annotated[str, Field(min_length=1)]


class Service(StrictModel):
    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    name: NonEmpty
    # Plain English for residents; translated (signposting/extract.py).
    description: NonEmpty
    boroughs: tuple[str, ...]
    needs: tuple[Need, ...]
    kinds: tuple[Kind, ...]
    contact: Contact = Contact()
    # True: contact them yourself. False: a GP or pharmacist refers you.
    # None: not established from the sources.
    self_referral: bool | None
    languages: tuple[str, ...] = ()
    hours: str = ""
    eligibility: Eligibility | None = None
    source: NonEmpty
    source_date: str
    verified: bool
    notes: str = ""

    @field_validator("boroughs", "needs", "kinds")
    @classmethod
    def _not_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # Checked after the items, so one bad item is one problem, not two.
        if not value:
            raise ValueError("list at least one")
        return value

    @field_validator("boroughs")
    @classmethod
    def _boroughs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        known = set(LONDON_BOROUGHS.values())
        unknown = [b for b in value if b != ALL and b not in known]
        if unknown:
            raise coded(
                Code.BOROUGH,
                f"unknown borough {unknown[0]!r}: use a London borough's ONS name "
                "(e.g. 'Lambeth') or 'all'",
            )
        if ALL in value and len(value) > 1:
            raise coded(Code.BOROUGH, "'all' already covers every borough; list it alone")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Service:
        missing = [k.value for k in self.kinds if KIND_NEED[k] not in self.needs]
        if missing:
            raise coded(
                Code.KIND_WITHOUT_NEED,
                f"kinds: {missing[0]!r} needs {KIND_NEED[Kind(missing[0])].value!r} in needs",
            )
        if not self.verified and not self.notes.strip():
            raise coded(Code.UNVERIFIED_NO_NOTE, "notes: say what is unverified and why")
        for field, text in self.resident_text():
            # Translated text is rendered as markup and %-formatted by
            # Jinja's newstyle gettext, so these would break the page.
            if _MARKUP.search(text):
                raise coded(Code.MARKUP, f"{field}: no '%', '<' or '>' in text residents read")
        return self

    def resident_text(self) -> Iterator[tuple[str, str]]:
        """(field, text) for every string a resident reads, as extract.py finds them."""
        yield "name", self.name
        yield "description", self.description
        yield "hours", self.hours
        yield from (("languages", text) for text in self.languages)
        yield "contact.phone_note", self.contact.phone_note
        yield "contact.text", self.contact.text
        yield "contact.in_person", self.contact.in_person

    def serves(self, borough: str) -> bool:
        return ALL in self.boroughs or borough in self.boroughs


class Directory(StrictModel):
    services: tuple[Service, ...]

    def visible(self, *, show_unverified: bool) -> Directory:
        """What residents may see: verified entries only, unless in a demo."""
        if show_unverified:
            return self
        # A subset of entries already validated: validating them again would
        # cost ~0.2 ms on every results page.
        return Directory.model_construct(services=tuple(s for s in self.services if s.verified))

    def get(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)


_SERVICES: Final = TypeAdapter(tuple[Service, ...])


def _service_id(data: Sequence[Any], index: object) -> str:
    if isinstance(index, int) and 0 <= index < len(data) and isinstance(data[index], dict):
        return str(data[index].get("id") or f"entry {index + 1}")
    return "?"


def _problems(data: Sequence[Any], exc: ValidationError) -> Iterator[Problem]:
    for err in exc.errors():
        index, *path = err["loc"] or ("?",)
        code = Code.of(err["type"])
        yield Problem(code, _service_id(data, index), ".".join(map(str, path)), err["msg"])


def parse_directory(text: str) -> Directory:
    """Check a services file's text; raises DirectoryError listing every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DirectoryError([Problem(Code.FILE, "-", "", f"not valid YAML: {exc}")]) from exc
    if not isinstance(data, list) or not data:
        raise DirectoryError([Problem(Code.FILE, "-", "", "must be a non-empty list of services")])
    try:
        services = _SERVICES.validate_python(data)
    except ValidationError as exc:
        raise DirectoryError(list(_problems(data, exc))) from exc
    counts = Counter(s.id for s in services)
    duplicates = [service_id for service_id, n in counts.items() if n > 1]
    if duplicates:
        raise DirectoryError(
            [Problem(Code.DUPLICATE_ID, d, "id", "another service has this id") for d in duplicates]
        )
    return Directory(services=services)


def load_directory(directory_dir: Path) -> Directory:
    """Read and check ``<directory_dir>/services.yaml``."""
    path = directory_dir / SERVICES_FILE
    try:
        return parse_directory(path.read_text(encoding="utf-8"))
    except DirectoryError as exc:
        raise DirectoryError(exc.problems, path=path) from None


def load_postcode_lookup(path: Path | None) -> PostcodeLookup | None:
    """The postcode lookup at ``path`` if one is installed there, else None."""
    if path is None or not path.is_file():
        return None
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return parse_postcode_lookup(fh)
