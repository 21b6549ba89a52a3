"""What the response template writes in its protected cells: defined once, for the writer and the reader.

The writer (:mod:`socialvalue.output.template`) puts these texts in the locked cells; the reader
(:mod:`socialvalue.intake.bid_reader`) compares a returned workbook's cells with them and lists every
one that was changed, with what the template said and what the file says. Scoring never reads them:
it always uses the rubric's own values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from socialvalue import layout as L
from socialvalue.output.safe import clean_text
from socialvalue.rubric import CriterionKind, Gate, Measure, Question, Rubric, Theme, ValueSet

Expected = str | int | float | None
"""A locked cell's content: text, a number (a word limit), or None for a cell left blank."""

TITLES = {
    L.SUPPLIER: "Your organisation",
    L.COMMITMENTS: "Social value commitments: one row per measure; fill in the shaded cells",
    L.STATEMENTS: "Method statements: answer each question within its word limit",
    L.GATES: "Pass/fail requirements: a No excludes the bid",
}
"""Each data sheet's title, in A1."""

COLUMNS = {
    L.SUPPLIER: L.SUPPLIER_COLUMNS,
    L.COMMITMENTS: L.COMMITMENT_COLUMNS,
    L.STATEMENTS: L.STATEMENT_COLUMNS,
    L.GATES: L.GATE_COLUMNS,
}


def counting_rule(measure: Measure, value_set: ValueSet | None) -> str:
    """Plain-English 'how it is counted' for one measure."""
    parts: list[str] = []
    row = value_set.get(measure.value_ref) if value_set and measure.value_ref else None
    if row is not None:
        parts.append(f"£{row.value_gbp:,.2f} per {row.unit} ({value_set.id if value_set else ''})")
    else:
        parts.append("Reported as a count; no £ value is given to it")
    adj = [
        f"{label} {pct:g}%"
        for label, pct in (
            ("deadweight", measure.deadweight_pct),
            ("displacement", measure.displacement_pct),
            ("attribution", measure.attribution_pct),
        )
        if pct
    ]
    if adj:
        parts.append("net of " + ", ".join(adj))
    if measure.cap is not None:
        parts.append(f"counted up to {measure.cap:,g} {measure.unit}")
    if measure.max is not None:
        parts.append(f"at most {measure.max:,g} accepted")
    if measure.guidance:
        parts.append(measure.guidance)
    return "; ".join(parts)


def supplier_cells(f: L.SupplierField) -> list[tuple[L.Column, Expected]]:
    return [(L.SUP_LABEL, f.label + (" (required)" if f.required else "")), (L.SUP_HELP, f.help or None)]


def commitment_cells(theme: Theme, m: Measure, value_set: ValueSet | None) -> list[tuple[L.Column, Expected]]:
    """The unit (D) is not here: a changed unit is an error of its own (the quantity's meaning changed)."""
    return [(L.COM_THEME, theme.name), (L.COM_MEASURE, m.description), (L.COM_RULES, counting_rule(m, value_set))]


def question_part(rubric: Rubric, q: Question) -> str:
    """The criterion or theme a question is shown under."""
    for t, sq in rubric.sv_questions():
        if sq.code == q.code:
            return t.name
    quality = rubric.criterion(CriterionKind.QUALITY)
    return quality.name if quality else ""


def statement_cells(rubric: Rubric, q: Question) -> list[tuple[L.Column, Expected]]:
    return [
        (L.ST_THEME, question_part(rubric, q)),
        (L.ST_QUESTION, clean_text(q.text + (f"\n\n{q.guidance}" if q.guidance else ""))),
        (L.ST_LIMIT, q.word_limit),
    ]


def gate_cells(g: Gate) -> list[tuple[L.Column, Expected]]:
    return [(L.GATE_TEXT, clean_text(g.text + (f"\n{g.guidance}" if g.guidance else "")))]


def instruction_lines(rubric: Rubric, value_set: ValueSet | None) -> list[tuple[str, str]]:
    """The Instructions sheet, one (text, style) per row of column A; style is title, bold, wrap, warning or ''."""
    lines: list[tuple[str, str]] = [
        (f"Social value response: {rubric.title}", "title"),
        (f"Rubric {rubric.id} version {rubric.version}", "bold"),
        ("", ""),
        ("How to complete this workbook", "bold"),
        ("1. Fill in only the shaded cells. Other cells are protected; do not add, delete or reorder rows.", "wrap"),
        (
            f"2. '{L.SUPPLIER}': your organisation's details and your total bid price in £ (a number, excluding VAT).",
            "wrap",
        ),
    ]
    if rubric.measures():
        lines.append(
            (
                f"3. '{L.COMMITMENTS}': for each measure, the quantity you commit to deliver over the contract, "
                "in the unit shown (a plain number, e.g. 12.5 - not '12 FTE' or 'about 10'). Leave blank or 0 for none. "
                "Describe how you will deliver and evidence it.",
                "wrap",
            )
        )
    if rubric.all_questions():
        lines.append(
            (
                f"4. '{L.STATEMENTS}': answer each question within its word limit. The panel scores each answer on the published scale.",
                "wrap",
            )
        )
    if rubric.all_gates():
        lines.append(
            (f"5. '{L.GATES}': answer Yes or No to each pass/fail requirement. A No excludes the bid.", "wrap")
        )
    lines += [("", ""), ("How bids are scored", "bold")]
    for c in rubric.criteria:
        lines.append((f"{c.name}: {c.weight:g}% of the total score", "wrap"))
    lines.append((f"Price method: {rubric.price_method.method}", "wrap"))
    if rubric.social_value:
        sv = rubric.social_value
        lines.append(
            (
                f"Social value: {sv.quantitative_share_pct:g}% of its weight on the £ value of commitments "
                f"({sv.quantitative_method.method}, {sv.score_on} of deadweight, displacement and attribution), "
                f"{100 - sv.quantitative_share_pct:g}% on written answers.",
                "wrap",
            )
        )
    if value_set is not None:
        lines.append(
            (f"Proxy values: {value_set.label}. Source: {value_set.source}. Licence: {value_set.licence}.", "wrap")
        )
        if value_set.illustrative:
            lines.append(
                ("These proxy values are ILLUSTRATIVE ONLY and must not be used to decide a contract award.", "warning")
            )
    return [(clean_text(text), style) for text, style in lines]


@dataclass(frozen=True)
class LockedCells:
    """Every locked cell the template writes for one rubric and value set, as the reader checks them.

    ``rows`` holds, per data sheet, each row's locked cells by the key in column A (rows are found by
    key, never by position); ``fixed`` the cells at fixed places (titles, column headings, Instructions).
    """

    rows: dict[str, dict[str, list[tuple[L.Column, Expected]]]]
    fixed: dict[str, list[tuple[int, int, Expected]]] = field(default_factory=dict)
    """Sheet → (0-based row, 0-based column, content)."""
    counting_rules_checked: bool = True
    """False when no value set was given: the £ per unit in "How it is counted" could not be checked."""


def locked_cells(rubric: Rubric, value_set: ValueSet | None) -> LockedCells:
    """What the template for ``rubric`` and ``value_set`` writes in its locked cells."""
    rows: dict[str, dict[str, list[tuple[L.Column, Expected]]]] = {
        L.SUPPLIER: {f.key: supplier_cells(f) for f in L.SUPPLIER_FIELDS},
        L.COMMITMENTS: {m.code: commitment_cells(t, m, value_set) for t, m in rubric.measures()},
        L.STATEMENTS: {q.code: statement_cells(rubric, q) for q in rubric.all_questions()},
        L.GATES: {g.code: gate_cells(g) for g in rubric.all_gates()},
    }
    fixed: dict[str, list[tuple[int, int, Expected]]] = {
        sheet: [(0, 0, title), *_headings(COLUMNS[sheet])] for sheet, title in TITLES.items()
    }
    fixed[L.INSTRUCTIONS] = [(i, 0, text or None) for i, (text, _) in enumerate(instruction_lines(rubric, value_set))]
    checked = value_set is not None or not any(m.value_ref for _, m in rubric.measures())
    if not checked:  # without the value set, "How it is counted" and the Instructions are not known: not compared
        for cells in rows[L.COMMITMENTS].values():
            cells[:] = [(c, v) for c, v in cells if c is not L.COM_RULES]
        fixed[L.INSTRUCTIONS] = []
    return LockedCells(rows, fixed, checked)


def _headings(columns: Sequence[L.Column]) -> list[tuple[int, int, Expected]]:
    return [(L.HEADER_ROW - 1, c.index, c.heading) for c in columns]


def same(found: object, expected: Expected) -> bool:
    """Whether a cell as read still holds what the template wrote (spaces at either end and line endings aside)."""
    if found == expected:
        return True
    if expected is None or expected == "":
        return found is None or (isinstance(found, str) and not found.strip())
    if isinstance(expected, (int, float)):
        return isinstance(found, (int, float)) and not isinstance(found, bool) and float(found) == float(expected)
    if not isinstance(found, str):
        return False
    return found.replace("\r\n", "\n").strip() == expected.strip()
