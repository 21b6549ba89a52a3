"""Tender details: who is buying what, under which reference, whom to ask, and when standstill ends.

A small YAML file the officer writes once per tender (``docs/tender-details.md``); the assessment
summaries and the evaluation report take every such field from it. A letter that needs a field the
file does not give is marked DRAFT, naming the field.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from socialvalue.problems import Problem, Severity, define

DETAILS_INVALID = define("details-invalid", Severity.ERROR, "{why}")
STANDSTILL_SHORT = define(
    "standstill-short",
    Severity.ERROR,
    "standstill ends {end} but must run at least {days} working days from {start} (the contract award notice): "
    "the earliest end is {earliest}",
)

STANDSTILL_WORKING_DAYS = 8
"""Procurement Act 2023: at least 8 working days between the contract award notice and entering into the contract."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Model):
    name: str = Field(
        default="", description="Who answers questions about the tender, e.g. 'Jo Bloggs, Procurement Lead'."
    )
    email: str = ""
    phone: str = ""


class TenderDetails(_Model):
    """What letters and reports say about the tender, beyond the rubric."""

    buyer: str = Field(default="", description="The contracting authority, e.g. 'NHS Cheshire and Merseyside ICB'.")
    title: str = Field(default="", description="The tender's title as published.")
    reference: str = Field(default="", description="The tender's reference as published.")
    contact: Contact = Field(default_factory=Contact)
    letter_date: date | None = Field(default=None, description="The date the assessment summaries are sent.")
    award_notice_date: date | None = Field(
        default=None, description="The date the contract award notice is published: standstill starts then."
    )
    standstill_end: date | None = Field(default=None, description="The last day of the standstill period.")

    def missing(self) -> list[str]:
        """The fields a letter needs that are not given, in words (empty: the letter can be sent)."""
        needed = {
            "buyer": self.buyer,
            "tender title": self.title,
            "tender reference": self.reference,
            "contact name": self.contact.name,
            "contact email": self.contact.email,
            "letter date": self.letter_date,
            "standstill end date": self.standstill_end,
        }
        return [label for label, value in needed.items() if not value]


def working_days_end(start: date, days: int = STANDSTILL_WORKING_DAYS) -> date:
    """The ``days``-th working day (Monday to Friday) counting from ``start`` itself when it is one.

    Bank holidays are not known here: the officer must allow for them (the docs say so).
    """
    day, counted = start, 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted == days:
                return day
        day += timedelta(days=1)


def details_problems(details: TenderDetails, file: str = "") -> list[Problem]:
    """Dates that cannot be right (a standstill shorter than the law allows)."""
    if details.award_notice_date is None or details.standstill_end is None:
        return []
    earliest = working_days_end(details.award_notice_date)
    if details.standstill_end >= earliest:
        return []
    return [
        STANDSTILL_SHORT(
            file=file, field="standstill_end", raw=details.standstill_end.isoformat(),
            end=details.standstill_end.isoformat(), start=details.award_notice_date.isoformat(),
            days=STANDSTILL_WORKING_DAYS, earliest=earliest.isoformat(),
        )
    ]  # fmt: skip


def load_details(path: Path) -> tuple[TenderDetails | None, list[Problem]]:
    """Tender details from a YAML file, with every problem located by line and field."""
    from socialvalue.rubric.load import _read_yaml, _validation_problems

    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        return None, [DETAILS_INVALID(file=file, why=f"could not open the file: {exc.strerror}")]
    except UnicodeDecodeError:
        return None, [DETAILS_INVALID(file=file, why="not a UTF-8 text file: save it as UTF-8 YAML")]
    loaded, problems = _read_yaml(text, file)
    if loaded is None:
        return None, problems
    if not isinstance(loaded.data, dict):
        return None, [DETAILS_INVALID(file=file, line=1, why="tender details must be a YAML mapping (field: value)")]
    try:
        details = TenderDetails.model_validate(loaded.data)
    except ValidationError as exc:
        found = _validation_problems(exc, file, loaded.lines)
        return None, [p.model_copy(update={"code": DETAILS_INVALID.code}) for p in found]
    problems = [p.model_copy(update={"line": loaded.lines.get(p.field)}) for p in details_problems(details, file)]
    return (None if problems else details), problems
