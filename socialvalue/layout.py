"""The supplier response workbook's layout, defined once for the writer and the reader.

Documented for other tools in ``docs/response-workbook.md``. Rows are found by the key or code
in column A, never by position, so a supplier who sorts or inserts rows does not move a score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from socialvalue.problems import CellRef, column_letters

LAYOUT_VERSION = "1"

INSTRUCTIONS = "Instructions"
SUPPLIER = "Supplier"
COMMITMENTS = "Commitments"
STATEMENTS = "Method statements"
GATES = "Gates"
META = "_socialvalue"
"""Very hidden sheet: key in column A, value in column B."""

HEADER_ROW = 3
"""1-based row of the column headings on the Supplier, Commitments, Method statements and Gates sheets."""
FIRST_DATA_ROW = HEADER_ROW + 1


@dataclass(frozen=True)
class Column:
    letter: str
    heading: str
    width: float
    is_input: bool = False
    index: int = field(init=False)
    """0-based column index."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", ord(self.letter) - ord("A"))


@dataclass(frozen=True)
class SupplierField:
    key: str
    label: str
    kind: str  # text | company_number | postcode | money | yes_no | email
    required: bool
    help: str


SUPPLIER_FIELDS: tuple[SupplierField, ...] = (
    SupplierField("supplier_name", "Supplier legal name", "text", True, "As registered."),
    SupplierField(
        "company_number", "Company or charity number", "company_number", False, "Kept as text: keep leading zeros."
    ),
    SupplierField("postcode", "Postcode of the office delivering the contract", "postcode", False, "e.g. L3 8EN"),
    SupplierField("bid_price", "Total bid price (£, whole contract, excluding VAT)", "money", True, "A number in £."),
    SupplierField("is_sme", "Are you a small or medium-sized enterprise (SME)?", "yes_no", False, "Yes or No."),
    SupplierField(
        "is_vcse", "Are you a voluntary, community or social enterprise (VCSE)?", "yes_no", False, "Yes or No."
    ),
    SupplierField("contact_email", "Contact email for clarifications", "email", False, ""),
)

# Supplier sheet columns
SUP_KEY = Column("A", "Key", 16)
SUP_LABEL = Column("B", "Question", 58)
SUP_VALUE = Column("C", "Your answer", 42, is_input=True)
SUP_HELP = Column("D", "Guidance", 40)
SUPPLIER_COLUMNS = (SUP_KEY, SUP_LABEL, SUP_VALUE, SUP_HELP)

# Commitments sheet columns
COM_CODE = Column("A", "Code", 9)
COM_THEME = Column("B", "Theme", 18)
COM_MEASURE = Column("C", "Measure", 40)
COM_UNIT = Column("D", "Unit", 11)
COM_QUANTITY = Column("E", "Your commitment (quantity)", 18, is_input=True)
COM_EVIDENCE = Column("F", "How you will deliver and evidence it", 40, is_input=True)
COM_RULES = Column("G", "How it is counted", 40)
COMMITMENT_COLUMNS = (COM_CODE, COM_THEME, COM_MEASURE, COM_UNIT, COM_QUANTITY, COM_EVIDENCE, COM_RULES)

# Method statements sheet columns
ST_CODE = Column("A", "Code", 9)
ST_THEME = Column("B", "Criterion / theme", 18)
ST_QUESTION = Column("C", "Question", 44)
ST_LIMIT = Column("D", "Word limit", 8)
ST_ANSWER = Column("E", "Your answer", 70, is_input=True)
ST_WORDS = Column("F", "Words used", 8)
STATEMENT_COLUMNS = (ST_CODE, ST_THEME, ST_QUESTION, ST_LIMIT, ST_ANSWER, ST_WORDS)

# Gates sheet columns
GATE_CODE = Column("A", "Code", 9)
GATE_TEXT = Column("B", "Requirement", 70)
GATE_ANSWER = Column("C", "Your answer (Yes/No)", 18, is_input=True)
GATE_EVIDENCE = Column("D", "Evidence or reference (e.g. web address)", 50, is_input=True)
GATE_COLUMNS = (GATE_CODE, GATE_TEXT, GATE_ANSWER, GATE_EVIDENCE)


# The panel's consensus score workbook (read by `score --evaluations`)
CONSENSUS = "Consensus"
CON_BID = Column("A", "Bid file", 22)
CON_SUPPLIER = Column("B", "Supplier", 22)
CON_CODE = Column("C", "Question code", 8)
CON_QUESTION = Column("D", "Question", 40)
CON_SCORE = Column("E", "Consensus score", 10, is_input=True)
CON_REASON = Column("F", "Reason for the score", 44, is_input=True)
CONSENSUS_COLUMNS = (CON_BID, CON_SUPPLIER, CON_CODE, CON_QUESTION, CON_SCORE, CON_REASON)


# The panel: one evaluator workbook per evaluator (``socialvalue panel prepare``), read back by
# ``socialvalue panel collect``. Rows are found by bid key (column A) and question code (column C).
EVALUATION = "Evaluation"
EV_BID = Column("A", "Bid", 12)
"""The bid file name, or a neutral label (Bidder A, B, …) when marking blind."""
EV_BIDDER = Column("B", "Bidder", 18)
EV_CODE = Column("C", "Question code", 8)
EV_QUESTION = Column("D", "Question", 30)
EV_ANSWER = Column("E", "Bidder's answer", 70)
EV_WORDS = Column("F", "Words used", 7)
EV_LIMIT = Column("G", "Word limit", 7)
EV_SCALE = Column("H", "Scale: score, label and descriptor", 36)
EV_SCORE = Column("I", "Your score", 8, is_input=True)
EV_REASON = Column("J", "Your reason for the score", 45, is_input=True)
EVALUATION_COLUMNS = (
    EV_BID,
    EV_BIDDER,
    EV_CODE,
    EV_QUESTION,
    EV_ANSWER,
    EV_WORDS,
    EV_LIMIT,
    EV_SCALE,
    EV_SCORE,
    EV_REASON,
)

# The blind-marking key (kept apart from the evaluator workbooks): label → bid file → supplier
PANEL_KEY = "Key"
KEY_LABEL = Column("A", "Label", 12)
KEY_BID = Column("B", "Bid file", 34)
KEY_SUPPLIER = Column("C", "Supplier", 34)
KEY_SHA256 = Column("D", "SHA-256 of the bid file", 68)
KEY_COLUMNS = (KEY_LABEL, KEY_BID, KEY_SUPPLIER, KEY_SHA256)

# The moderation workbook (``socialvalue panel collect``): the Moderation sheet has these leading
# columns, then one score column per evaluator (headed by the evaluator's name), the spread and
# flag columns, then one reason column per evaluator; then the CONSENSUS sheet above, a Problems
# sheet and an Audit sheet.
MODERATION = "Moderation"
PANEL_PROBLEMS = "Problems"
PANEL_AUDIT = "Audit"
MOD_BID = Column("A", "Bid file", 26)
MOD_SUPPLIER = Column("B", "Supplier", 24)
MOD_LABEL = Column("C", "Label", 10)
MOD_CODE = Column("D", "Question code", 9)
MOD_QUESTION = Column("E", "Question", 40)
MODERATION_COLUMNS = (MOD_BID, MOD_SUPPLIER, MOD_LABEL, MOD_CODE, MOD_QUESTION)
MOD_REASON_SUFFIX = ": reason"
"""A reason column is headed by the evaluator's name and this suffix."""


def cell_ref(col: Column | int, row: int) -> str:
    """A1-style reference from a column (or 0-based index) and a 1-based row."""
    if isinstance(col, Column):
        return f"{col.letter}{row}"
    return f"{column_letters(col)}{row}"


def ref(sheet: str, col: Column, row: int) -> CellRef:
    """The cell of ``col`` on 1-based ``row`` of ``sheet``."""
    return CellRef(sheet, row, col.index)


READ_ROWS = 9_999
"""Rows read on each response sheet: far more than the template's, for rows a supplier inserts or adds."""


def read_areas(measures: int, questions: int, gates: int) -> dict[str, tuple[int, int]]:
    """Per sheet of the response workbook, the (rows, columns) read from A1: the template's columns, and rows 1
    to ``READ_ROWS`` (twice the template's rows when that is more). Cells beyond are listed, never read."""

    def rows(data_rows: int) -> int:
        return max(READ_ROWS, 2 * (HEADER_ROW + data_rows))

    def width(columns: tuple[Column, ...]) -> int:
        return max(c.index for c in columns) + 1

    return {
        INSTRUCTIONS: (READ_ROWS, 1),
        SUPPLIER: (rows(len(SUPPLIER_FIELDS)), width(SUPPLIER_COLUMNS)),
        COMMITMENTS: (rows(measures), width(COMMITMENT_COLUMNS)),
        STATEMENTS: (rows(questions), width(STATEMENT_COLUMNS)),
        GATES: (rows(gates), width(GATE_COLUMNS)),
        META: (READ_ROWS, 2),
    }
