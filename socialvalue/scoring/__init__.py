"""Pure scoring: rubric + bids + panel scores → a scored, ranked, explained tender (no I/O)."""

from .engine import BidScorer, ScoredBid, compare_bids, score_tender
from .flags import Flag, FlagKind
from .lines import check_gates, score_questions, value_measures
from .ranking import rank
from .results import BidResult, BidStatus, GateLine, MeasureLine, QuestionLine, TenderResult

__all__ = [
    "BidResult",
    "BidScorer",
    "BidStatus",
    "Flag",
    "FlagKind",
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
