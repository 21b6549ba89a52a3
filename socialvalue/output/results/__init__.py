"""The results workbook: one module per group of sheets, put together by :mod:`.book`.

- :mod:`.layout`: sheet names, rows, formats, headings and references every sheet shares;
- :mod:`.method`: Method (the rubric's parameters as named cells) and Measures;
- :mod:`.grids`: Commitments and Social value (a row per bid, a column per measure);
- :mod:`.readings`: how each price and commitment that was not a plain number was read;
- :mod:`.questions`: Questions and Gates;
- :mod:`.summary`: the ranked Summary and its chart;
- :mod:`.decision`: the Decision sheet;
- :mod:`.listings`: Errors and Audit.
"""

from .book import PER_BID, ResultsBook, open_results, write_results
from .layout import (
    AUDIT,
    COMMITMENTS,
    DECISION,
    ERRORS,
    GATES,
    MEASURES,
    METHOD,
    QUESTIONS,
    READINGS,
    SOCIAL_VALUE,
    SUMMARY,
)
from .listings import AuditInfo

__all__ = [
    "AUDIT",
    "COMMITMENTS",
    "DECISION",
    "ERRORS",
    "GATES",
    "MEASURES",
    "METHOD",
    "PER_BID",
    "QUESTIONS",
    "READINGS",
    "SOCIAL_VALUE",
    "SUMMARY",
    "AuditInfo",
    "ResultsBook",
    "open_results",
    "write_results",
]
