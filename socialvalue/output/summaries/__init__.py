"""Assessment summaries (one per assessed bidder) and the evaluation report, as Word and HTML.

Under the Procurement Act 2023 every supplier whose tender was assessed receives, before the
contract award notice, a summary with its own scores and the most advantageous tender's scores
per award criterion, with reasons. The evaluation report is for the approval board: method,
panel, scores, ranking, flags, how ties and abnormally low prices were handled, and the
before-award checks.

Everything comes from the scored tender (``socialvalue score --json``) and the rubric; the panel
comes from the moderation workbook when given. Nothing is re-scored here.
"""

from .letter import NO_WINNER, NOT_FULLY_SCORED, assessment_summary, draft_reasons
from .report import evaluation_report
from .write import REPORT_STEM, SUMMARY_PREFIX, Written, assessed, is_summaries_file, write_summaries

__all__ = [
    "NOT_FULLY_SCORED",
    "NO_WINNER",
    "REPORT_STEM",
    "SUMMARY_PREFIX",
    "Written",
    "assessed",
    "assessment_summary",
    "draft_reasons",
    "evaluation_report",
    "is_summaries_file",
    "write_summaries",
]
