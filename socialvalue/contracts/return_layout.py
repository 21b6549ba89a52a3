"""The delivery return workbook's layout, defined once for the template writer and the reader.

Rows are found by the KPI code in column A, never by position. The very hidden meta sheet (the
same one the response workbook carries) names the contract, the quarter and the KPIs' fingerprint.
"""

from __future__ import annotations

from socialvalue.intake.extent import Area
from socialvalue.layout import HEADER_ROW, META, READ_ROWS, Column

RETURN_KIND = "delivery-return"
RETURN_LAYOUT_VERSION = "1"

INSTRUCTIONS = "Instructions"
DELIVERY = "Delivery"
META_SHEET = META
HEADER = HEADER_ROW
FIRST_ROW = HEADER_ROW + 1

RET_CODE = Column("A", "Code", 9)
RET_THEME = Column("B", "Theme", 22)
RET_MEASURE = Column("C", "Measure", 46)
RET_UNIT = Column("D", "Unit", 11)
RET_COMMITTED = Column("E", "Committed this quarter", 13)
RET_TO_DATE = Column("F", "Commitment to date (to the end of this quarter)", 15)
RET_BEFORE = Column("G", "Delivered in earlier quarters (as recorded)", 15)
RET_DELIVERED = Column("H", "Delivered this quarter", 14, is_input=True)
RET_EVIDENCE = Column("I", "Evidence: what shows it was delivered", 46, is_input=True)
RET_REFERENCE = Column("J", "Evidence reference (document, file or link)", 28, is_input=True)
RET_DELIVERED_TO_DATE = Column("K", "Delivered to date", 13)
RET_PERCENT = Column("L", "% of commitment to date", 12)
RET_RULES = Column("M", "How it is counted", 40)
RETURN_COLUMNS = (
    RET_CODE, RET_THEME, RET_MEASURE, RET_UNIT, RET_COMMITTED, RET_TO_DATE, RET_BEFORE,
    RET_DELIVERED, RET_EVIDENCE, RET_REFERENCE, RET_DELIVERED_TO_DATE, RET_PERCENT, RET_RULES,
)  # fmt: skip
RETURN_INPUTS = (RET_DELIVERED, RET_EVIDENCE, RET_REFERENCE)


def return_areas() -> dict[str, Area]:
    """The cells read on the sheets of a return (as for a bid: cells beyond are listed, never read)."""
    width = max(c.index for c in RETURN_COLUMNS) + 1
    return {DELIVERY: Area(READ_ROWS, width), META_SHEET: Area(READ_ROWS, 2)}
