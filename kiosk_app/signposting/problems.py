"""Coded problems found when the services directory is loaded.

Each problem names the service (its id, or its place in the file), the field,
and a code from the table below, so the person editing services.yaml can
find and fix every problem from one run (docs/signposting.md lists them).

* DirectoryError (ValueError)
  - carries every Problem found, in file order
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError


class Code(StrEnum):
    FILE = "SP01"  # not YAML, or not a list of services
    SCHEMA = "SP02"  # a field missing, unknown, of the wrong type or value
    DUPLICATE_ID = "SP03"
    PHONE_WORDS = "SP04"  # "111 then press 2": words belong in phone_note
    PHONE_INVALID = "SP05"  # not a valid UK number (full or short)
    BOROUGH = "SP06"  # unknown borough, or "all" alongside others
    WEB_INVALID = "SP07"
    EMAIL_INVALID = "SP08"
    KIND_WITHOUT_NEED = "SP09"  # a kind whose need is not in needs
    ELIGIBILITY = "SP10"  # ranges that cannot hold, overlapping groups
    UNVERIFIED_NO_NOTE = "SP11"  # verified: false needs notes saying why
    MARKUP = "SP12"  # "%", "<" or ">" in text a resident reads

    @classmethod
    def of(cls, error_type: str) -> Code:
        """Our code for a pydantic error type: custom errors carry it, the rest are SP02."""
        try:
            return cls(error_type)
        except ValueError:
            return cls.SCHEMA


def coded(code: Code, message: str) -> PydanticCustomError:
    """A validation error carrying our code as its type (see ``Code.of``)."""
    return PydanticCustomError(code.value, message)


class StrictModel(BaseModel):
    """Directory models: unknown keys are problems, and values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class Problem:
    code: Code
    service: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"service {self.service!r}"
        if self.field:
            where += f", field {self.field}"
        return f"[{self.code.value}] {where}: {self.message}"


class DirectoryError(ValueError):
    """The services directory failed its checks; ``problems`` says where and why."""

    def __init__(self, problems: Iterable[Problem], *, path: Path | None = None) -> None:
        self.problems = tuple(problems)
        self.path = path
        head = f"{path}: " if path else ""
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{head}services directory has {len(self.problems)} problem(s):\n{lines}")
