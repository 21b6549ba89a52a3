"""Pure scoring: rubric + bids + panel scores → a scored, ranked, explained tender (no I/O)."""

from .engine import BidScorer, ScoredBid, check_gates, compare_bids, rank, score_questions, score_tender, value_measures
from .results import BidResult, BidStatus, GateLine, MeasureLine, QuestionLine, TenderResult

__all__ = [
    "BidResult",
    "BidScorer",
    "BidStatus",
    "GateLine",
    "MeasureLine",
    "QuestionLine",
    "ScoredBid",
    "TenderResult",
    "check_gates",
    "compare_bids",
    "rank",
    "score_questions",
    "score_tender",
    "value_measures",
]
