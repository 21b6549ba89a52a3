"""Letters ready to send: every letter field comes from the tender details; a letter missing one is a DRAFT."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from socialvalue.batch import Batch
from socialvalue.details import TenderDetails, load_details, working_days_end
from socialvalue.example import ExampleTender
from socialvalue.output.summaries import assessment_summary, evaluation_report
from socialvalue.rubric import RubricSource


@pytest.fixture
def scored(example_batch: Batch) -> Batch:
    return example_batch


@pytest.fixture(scope="module")
def details(example_tender: ExampleTender) -> TenderDetails:
    loaded, problems = load_details(example_tender.details)
    assert loaded is not None, problems
    return loaded


def test_every_letter_field_comes_from_the_tender_details(
    scored: Batch, hybrid: RubricSource, details: TenderDetails, example_tender: ExampleTender
) -> None:
    raw = yaml.safe_load(example_tender.details.read_text(encoding="utf-8"))
    for b in scored.result.bids:
        if b.status.value == "unreadable":
            continue
        doc = assessment_summary(scored.result, hybrid.rubric, b, details=details)
        text = doc.text()
        assert doc.title == "Assessment summary" and "DRAFT" not in text
        for value in (raw["buyer"], raw["title"], raw["reference"], raw["contact"]["name"], raw["contact"]["email"],
                      raw["contact"]["phone"]):  # fmt: skip
            assert value in text
        assert "Date: 2 March 2026" in text
        assert "The standstill period ends at midnight on 11 March 2026" in text
        assert "not given" not in text


def test_a_letter_missing_a_field_is_a_draft_that_names_it(
    scored: Batch, hybrid: RubricSource, details: TenderDetails
) -> None:
    lacking = details.model_copy(update={"reference": "", "contact": details.contact.model_copy(update={"email": ""})})
    winner = scored.result.winner
    assert winner is not None
    doc = assessment_summary(scored.result, hybrid.rubric, winner, details=lacking)
    text = doc.text()
    assert doc.title == "Assessment summary (DRAFT)"
    assert "DRAFT, not ready to send: the tender details do not give the tender reference, contact email." in text
    assert "[tender reference: not given]" in text and "[contact email: not given]" in text
    bare = assessment_summary(scored.result, hybrid.rubric, winner)
    assert bare.title.endswith("(DRAFT)") and "buyer, tender title, tender reference" in bare.text()


def test_the_evaluation_report_carries_the_details_and_the_decision(
    scored: Batch, hybrid: RubricSource, details: TenderDetails
) -> None:
    report = evaluation_report(scored.result, hybrid.rubric, [], details=details)
    assert (
        report.subtitle
        == "Facilities services with social value commitments (EX-2026-014): Example NHS Foundation Trust"
    )
    text = report.text()
    assert "The decision" in text and "How robust the decision is" in text
    assert (
        "Mersey Care Services Ltd ranked first with 78.16 points out of 100, 6.45 ahead of Wirral Community CIC" in text
    )
    assert "Wirral Community CIC's price £327,279.72 lower" in text


def test_standstill_must_last_eight_working_days(tmp_path: Path) -> None:
    # Monday 2 March 2026: the 8th working day counting it is Wednesday 11 March (the weekend does not count)
    assert working_days_end(date(2026, 3, 2)) == date(2026, 3, 11)
    path = tmp_path / "details.yaml"
    path.write_text("buyer: B\naward_notice_date: 2026-03-02\nstandstill_end: 2026-03-10\n")
    loaded, problems = load_details(path)
    assert loaded is None
    [p] = problems
    assert p.code == "standstill-short" and p.line == 3
    assert "the earliest end is 2026-03-11" in p.reason


def test_details_file_problems_are_located(tmp_path: Path) -> None:
    path = tmp_path / "details.yaml"
    path.write_text("buyer: B\nrefrence: X-1\nletter_date: soon\n")
    loaded, problems = load_details(path)
    assert loaded is None
    where = {p.field: p.line for p in problems}
    assert where == {"refrence": 2, "letter_date": 3}
    assert all(p.code == "details-invalid" for p in problems)
