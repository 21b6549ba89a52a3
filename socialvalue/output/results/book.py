"""The results workbook, written while a batch is scored: each bid's rows as it is scored, the ranked sheets at the end.

Sheets, in the order officers read them: Summary, Decision, Social value, Commitments, Readings, Measures,
Questions, Gates, Errors, Method, Audit. Weighted points and totals are live Excel formulas (each written by
the scoring method or figure it belongs to: :mod:`socialvalue.scoring.methods`, :mod:`socialvalue.scoring.arithmetic`)
stored with the value scoring computed, so previews and pandas show the numbers and a recalculation gives
the same values. Supplier text is always a text cell (:func:`~socialvalue.output.sheets.put`), cleaned.

The workbook streams (XlsxWriter's constant_memory): the per-bid sheets (Commitments, Social value, Readings,
Questions, Gates) take a bid's rows as soon as it is scored (:meth:`ResultsBook.add`), while worker processes
read the next bids; only the sheets that need the whole tender (Summary, Decision, Errors, Method, Audit)
wait for :meth:`ResultsBook.finish`. :func:`write_results` writes a scored tender the same way, in one go.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from xlsxwriter.workbook import Workbook

from socialvalue import __version__
from socialvalue.problems import Problem
from socialvalue.rubric import Rubric, ValueSet
from socialvalue.scoring.engine import ScoredBid
from socialvalue.scoring.results import GateLine, MeasureLine, QuestionLine, TenderResult

from ..atomic import atomic_path
from ..safe import WORKBOOK_OPTIONS
from ..sheets import ResultsWorkbook
from .decision import write_decision_sheet
from .grids import Grids
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
    Context,
    Formats,
)
from .listings import AuditInfo, write_audit, write_errors
from .method import write_measures, write_method
from .questions import Gates, Questions
from .readings import Readings
from .summary import write_summary

PER_BID = "per-bid sheets"
"""What :func:`write_results` reports to ``on_sheet`` once every bid's rows are written."""


class ResultsBook:
    """A results workbook being written: :meth:`add` each scored bid (in bid-file order), then :meth:`finish`."""

    def __init__(self, wb: Workbook, rubric: Rubric, value_set: ValueSet | None) -> None:
        notes = [f"Rubric {rubric.id} v{rubric.version}: {rubric.title}"]
        if value_set is not None:
            notes.append(f"£ values use value set {value_set.label}")
        # sheets are created up front in the order officers read them, then filled in data order
        wanted = [SUMMARY, DECISION]
        wanted += [SOCIAL_VALUE, COMMITMENTS, READINGS, MEASURES] if rubric.measures() else []
        wanted += [QUESTIONS] if rubric.all_questions() else []
        wanted += [GATES] if rubric.all_gates() else []
        wanted += [ERRORS, METHOD, AUDIT]
        sheets = {name: wb.add_worksheet(name) for name in wanted}
        self.ctx = Context(wb, rubric, value_set, sheets, Formats(wb), notes)
        self.wb = wb
        write_measures(self.ctx)  # the grids' formulas read it
        self.grids, self.readings = Grids(self.ctx), Readings(self.ctx)
        self.questions, self.gates = Questions(self.ctx), Gates(self.ctx)
        self.added: list[str] = []
        self.finished = False

    def add(self, bid: ScoredBid) -> None:
        """One bid's rows on every per-bid sheet. Bids come in bid-file order, as the scored tender lists them."""
        self.added.append(bid.result.bid_id)
        self.grids.add(bid)
        self.readings.add(bid)
        self.questions.add(bid)
        self.gates.add(bid)

    def finish(
        self,
        result: TenderResult,
        problems: Sequence[Problem],
        audit: AuditInfo,
        on_sheet: Callable[[str], None] | None = None,
    ) -> None:
        """The sheets that need the whole tender: Summary, Decision, Errors, Method, Audit."""
        wanted = bid_order(result)
        if self.added != wanted:  # the rows written must be the scored tender's, in its order
            raise RuntimeError(f"results rows written for {len(self.added)} bids, not the {len(wanted)} scored (a bug)")
        for part in (self.grids, self.readings, self.questions):
            part.finish()
        ctx = self.ctx
        steps: list[tuple[str, Callable[[], None]]] = [
            (METHOD, lambda: write_method(ctx, result.explanations)),
            (SUMMARY, lambda: write_summary(ctx, result)),
            (DECISION, lambda: write_decision_sheet(self.wb, ctx.sheets[DECISION], result.decision, ctx.notes[0])),
            (ERRORS, lambda: write_errors(ctx, problems)),
            (AUDIT, lambda: write_audit(ctx, result, audit)),
        ]
        for name, step in steps:
            step()
            if on_sheet:
                on_sheet(name)
        ctx.sheets[SUMMARY].activate()
        self.wb.set_properties(
            {"title": f"Tender results: {ctx.rubric.title}", "comments": f"socialvalue {__version__}"}
        )
        self.finished = True


def bid_order(result: TenderResult) -> list[str]:
    """The bids with lines, in the order the scored tender lists their lines (bid file order)."""
    seen: dict[str, None] = {}
    for lines in (result.measures, result.questions, result.gates):
        for line in lines:
            seen.setdefault(line.bid_id, None)
    return list(seen)


def scored_bids(result: TenderResult) -> list[ScoredBid]:
    """A scored tender's bids as they were scored, each with its lines (to write them as a batch streams them)."""
    measures: dict[str, list[MeasureLine]] = {}
    questions: dict[str, list[QuestionLine]] = {}
    gates: dict[str, list[GateLine]] = {}
    for m in result.measures:
        measures.setdefault(m.bid_id, []).append(m)
    for q in result.questions:
        questions.setdefault(q.bid_id, []).append(q)
    for g in result.gates:
        gates.setdefault(g.bid_id, []).append(g)
    bids = {b.bid_id: b for b in result.bids}
    return [
        ScoredBid(bids[b], measures.get(b, []), questions.get(b, []), gates.get(b, []), []) for b in bid_order(result)
    ]


@contextmanager
def open_results(
    target: Path, rubric: Rubric, value_set: ValueSet | None, inputs: Sequence[Path] = ()
) -> Iterator[ResultsBook]:
    """A results workbook to fill (:meth:`ResultsBook.add`, then :meth:`ResultsBook.finish`), written atomically:
    it replaces ``target`` only if the block completes (never any of ``inputs``)."""
    with atomic_path(target, inputs) as tmp:
        wb = ResultsWorkbook(str(tmp), {**WORKBOOK_OPTIONS, "constant_memory": True})
        book = ResultsBook(wb, rubric, value_set)
        yield book
        if not book.finished:
            raise RuntimeError("the results workbook was left unfinished (a bug)")
        wb.close()


def write_results(
    result: TenderResult,
    rubric: Rubric,
    value_set: ValueSet | None,
    target: Path,
    problems: Sequence[Problem],
    audit: AuditInfo,
    inputs: Sequence[Path] = (),
    on_sheet: Callable[[str], None] | None = None,
) -> Path:
    """Write the results workbook of a scored tender atomically; refuses to overwrite any of ``inputs``."""
    with open_results(target, rubric, value_set, inputs) as book:
        for bid in scored_bids(result):
            book.add(bid)
        if on_sheet:
            on_sheet(PER_BID)
        book.finish(result, problems, audit, on_sheet)
    return target
