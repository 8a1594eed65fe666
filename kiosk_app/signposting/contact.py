"""How to reach a service: phone numbers checked as UK numbers, web, text, email.

A number holds digits only (``phonenumbers`` validates it, full or short
such as 111 and 116 123). Words such as "then press 2" go in ``phone_note``:
``phonenumbers`` would otherwise read the letters as a keypad and a ``tel:``
link would dial them ("then" -> 8436).
"""

from __future__ import annotations

import re
from typing import Final

import phonenumbers
from phonenumbers import shortnumberinfo
from pydantic import field_validator

from kiosk_app.signposting.problems import Code, StrictModel, coded

_REGION: Final = "GB"
_PHONE_CHARS: Final = re.compile(r"^\+?[0-9 ()-]+$")
_WEB: Final = re.compile(r"^(https://)?[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$")
_EMAIL: Final = re.compile(r"^[^@\s]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")


def _uk_number(text: str) -> phonenumbers.PhoneNumber:
    """Parse a UK number (full or short, e.g. 111, 116 123), or raise a coded error."""
    if not _PHONE_CHARS.match(text):
        raise coded(
            Code.PHONE_WORDS,
            "a phone number holds digits only; put words such as 'then press 2' "
            "in contact.phone_note",
        )
    try:
        number = phonenumbers.parse(text, _REGION)
    except phonenumbers.NumberParseException as exc:
        raise coded(Code.PHONE_INVALID, f"{text!r} is not a phone number") from exc
    if not (phonenumbers.is_valid_number(number) or shortnumberinfo.is_valid_short_number(number)):
        raise coded(Code.PHONE_INVALID, f"{text!r} is not a valid UK phone number")
    return number


def tel_href(text: str) -> str:
    """The ``tel:`` link for a checked number: +44… or, for short numbers, the digits."""
    number = _uk_number(text)
    if phonenumbers.is_valid_number(number):
        return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return "tel:" + phonenumbers.national_significant_number(number)


class Contact(StrictModel):
    phone: str = ""
    # What to do after dialling ("then press 2"), shown next to the number.
    phone_note: str = ""
    # A second number for the same service.
    phone_alt: str = ""
    web: str = ""
    # How to text, or a textphone number, in words ("Text SHOUT to 85258").
    text: str = ""
    email: str = ""
    address: str = ""
    # Where to go in person when there is no number to call, in words
    # ("Ask at any pharmacy."); translated.
    in_person: str = ""

    @field_validator("phone", "phone_alt")
    @classmethod
    def _phone(cls, value: str) -> str:
        if value:
            _uk_number(value)
        return value

    @field_validator("web")
    @classmethod
    def _web(cls, value: str) -> str:
        if value and not _WEB.match(value):
            raise coded(
                Code.WEB_INVALID,
                "a web address is a lower-case host and path such as 'nhs.uk/service' "
                "(https:// optional); put descriptions in notes",
            )
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not _EMAIL.match(value):
            raise coded(Code.EMAIL_INVALID, f"{value!r} is not an email address")
        return value

    @property
    def phone_href(self) -> str:
        return tel_href(self.phone) if self.phone else ""

    @property
    def phone_alt_href(self) -> str:
        return tel_href(self.phone_alt) if self.phone_alt else ""

    @property
    def web_url(self) -> str:
        """The web address as a full https URL, for the QR code."""
        if not self.web or self.web.startswith("https://"):
            return self.web
        return "https://" + self.web

    @property
    def reachable(self) -> bool:
        contacts = (self.phone, self.web, self.text, self.email, self.address, self.in_person)
        return any(contacts)
