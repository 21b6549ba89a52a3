"""Pure scoring: rubric + bids + panel scores → a scored, ranked, explained tender (no I/O)."""

from .engine import check_gates, rank, score_questions, score_tender, value_measures
from .results import BidResult, BidStatus, GateLine, MeasureLine, QuestionLine, TenderResult

__all__ = [
    "BidResult",
    "BidStatus",
    "GateLine",
    "MeasureLine",
    "QuestionLine",
    "TenderResult",
    "check_gates",
    "rank",
    "score_questions",
    "score_tender",
    "value_measures",
]
