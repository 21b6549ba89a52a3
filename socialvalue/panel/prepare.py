"""Evaluator workbooks: one per evaluator, every bid's answer to every question, a score drop-down and a reason cell.

Input cells (score, reason) are unlocked and shaded; everything else is protected. A very hidden
sheet records the rubric (id, version, fingerprint), the evaluator, the panel and the kind
``evaluator``, so ``panel collect`` can tell a workbook from another tender or another panel.

Blind marking replaces bidders by neutral labels (Bidder A, B, …) given in the order of the bid
files' SHA-256 (reproducible, and unrelated to names or file order); the key (label → bid file →
supplier) goes to a separate key workbook, never beside the evaluator workbooks.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xlsxwriter.workbook import Workbook

from socialvalue import __version__
from socialvalue import layout as L
from socialvalue.bid import Bid
from socialvalue.output.atomic import OutputRefused, atomic_path, check_target, together
from socialvalue.output.safe import WORKBOOK_OPTIONS, clean_text
from socialvalue.output.sheets import ROW_MAX_HEIGHT, SafeWorkbook, lines_needed, page_setup, protect, write_string
from socialvalue.output.template import Styles, template_meta, write_meta
from socialvalue.problems import Problem, Severity, column_letters, define
from socialvalue.rubric import Rubric, Scale

KIND_EVALUATOR = "evaluator"
KIND_KEY = "panel-key"
KIND_MODERATION = "moderation"
MAX_NAME = 80


ANSWER_NAMES_BIDDER = define(
    "answer-names-bidder",
    Severity.WARNING,
    "the answer to {code} names the bidder; for blind marking the name was replaced by [{label}] in the evaluator "
    "workbooks: check the answer for other clues",
)


@dataclass(frozen=True)
class PanelBid:
    """One bid as the panel sees it: ``label`` is the bid file, or a neutral label when marking blind."""

    label: str
    bid: Bid
    answers: dict[str, str] = field(default_factory=dict)
    """Answer text per question as shown to evaluators (the bidder's own name redacted when blind)."""


@dataclass
class PanelPlan:
    """What every evaluator workbook of one panel holds."""

    rubric: Rubric
    evaluators: list[str]
    bids: list[PanelBid]
    blind: bool
    panel_id: str


@dataclass
class Prepared:
    plan: PanelPlan
    workbooks: dict[str, Path]
    """Evaluator name → workbook."""
    key: Path | None
    problems: list[Problem]


# --- names, labels, ids ------------------------------------------------------------------------


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def evaluator_file_name(name: str) -> str:
    """``A. Shah`` → ``evaluator-a-shah.xlsx``."""
    return f"evaluator-{_slug(name) or 'unnamed'}.xlsx"


def parse_evaluators(text: str) -> tuple[list[str], list[str]]:
    """Names from a comma-separated list, and what is wrong with it (empty when usable)."""
    names = [" ".join(clean_text(part).split()) for part in text.split(",")]
    errors: list[str] = []
    if any(not n for n in names):
        errors.append('an evaluator name is empty: separate names with single commas, e.g. "A. Shah,B. Jones,C. Lee"')
    names = [n for n in names if n]
    seen: dict[str, str] = {}
    for n in names:
        if len(n) > MAX_NAME:
            errors.append(f"the evaluator name {n[:20]!r}… is longer than {MAX_NAME} characters")
        if not _slug(n):
            errors.append(f"the evaluator name {n!r} needs at least one letter or digit (it names the workbook file)")
            continue
        other = seen.get(evaluator_file_name(n))
        if other is not None:
            errors.append(
                f"{other!r} and {n!r} are the same evaluator (or give the same file name): name each person once"
            )
        seen[evaluator_file_name(n)] = n
    if not names and not errors:
        errors.append("no evaluators given")
    return names, errors


def nothing_to_score(rubric: Rubric) -> str:
    """Why a panel would have nothing to score under ``rubric`` ("" when it has written questions to mark)."""
    if rubric.all_questions():
        return ""
    return f"rubric {rubric.id} has no written questions: there is nothing for a panel to score"


def blind_label(index: int) -> str:
    """0 → ``Bidder A``, 25 → ``Bidder Z``, 26 → ``Bidder AA``."""
    return f"Bidder {column_letters(index)}"


def panel_id(rubric: Rubric, bids: Sequence[Bid], blind: bool) -> str:
    """A short fingerprint of the rubric, the exact bid files the panel scores, and whether marking is blind."""
    lines = [rubric.fingerprint(), f"blind={blind}", *sorted(f"{b.bid_id}\t{b.sha256}" for b in bids)]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def _redact(text: str, name: str, label: str) -> tuple[str, bool]:
    """The answer with the bidder's own name replaced by its label (case-insensitive)."""
    if len(name.strip()) < 3:
        return text, False
    pattern = re.compile(re.escape(name.strip()), re.IGNORECASE)
    redacted, count = pattern.subn(f"[{label}]", text)
    return redacted, count > 0


def plan_panel(
    rubric: Rubric, bids: Sequence[Bid], evaluators: Sequence[str], blind: bool
) -> tuple[PanelPlan, list[Problem]]:
    """Labels and answer texts for the panel; notes (warnings) where a blind answer named its bidder."""
    problems: list[Problem] = []
    order = sorted(bids, key=lambda b: (b.sha256, b.bid_id)) if blind else sorted(bids, key=lambda b: b.bid_id)
    panel_bids: list[PanelBid] = []
    for i, bid in enumerate(order):
        label = blind_label(i) if blind else bid.bid_id
        answers: dict[str, str] = {}
        for q in rubric.all_questions():
            answer = bid.answers.get(q.code)
            text = answer.text if answer else ""
            if blind and bid.supplier_name:
                text, named = _redact(text, bid.supplier_name, label)
                if named and answer is not None:
                    problems.append(ANSWER_NAMES_BIDDER.at(answer.cell, file=bid.file, code=q.code, label=label))
            answers[q.code] = text
        panel_bids.append(PanelBid(label=label, bid=bid, answers=answers))
    if blind:
        panel_bids.sort(key=lambda pb: (len(pb.label), pb.label))
    plan = PanelPlan(
        rubric=rubric, evaluators=list(evaluators), bids=panel_bids, blind=blind, panel_id=panel_id(rubric, bids, blind)
    )
    return plan, problems


# --- writing -----------------------------------------------------------------------------------


def scale_legend(scale: Scale) -> str:
    """Every point of a scale with its label and descriptor, one per line."""
    return "\n".join(
        f"{p.score:g} {p.label}" + (f": {p.descriptor}" if p.descriptor else "") for p in reversed(scale.points)
    )


def _row_height(*texts: tuple[str, float]) -> float:
    lines = max(lines_needed(t, w) for t, w in texts)
    return float(min(ROW_MAX_HEIGHT, max(45, 15 * lines + 4)))


def _meta(plan: PanelPlan, kind: str, evaluator: str = "") -> dict[str, str]:
    meta = {
        **template_meta(plan.rubric),
        "kind": kind,
        "panel_id": plan.panel_id,
        "blind": "yes" if plan.blind else "no",
    }
    if kind == KIND_EVALUATOR:
        meta["evaluator"] = evaluator
        meta["panel_evaluators"] = json.dumps(plan.evaluators, ensure_ascii=False)
    return meta


def _instructions(wb: Workbook, plan: PanelPlan, evaluator: str, st: Styles) -> None:
    r = plan.rubric
    ws = wb.add_worksheet(L.INSTRUCTIONS)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 2, 90)
    page_setup(ws, (16, 22, 90))
    lines: list[tuple[str, object]] = [
        (f"Evaluation workbook: {r.title}", st.title),
        (f"Evaluator: {evaluator}", st.bold),
        (
            f"Rubric {r.id} version {r.version}; {len(plan.bids)} bid(s), {len(r.all_questions())} question(s) each",
            st.wrap,
        ),
        ("", None),
        ("How to score", st.bold),
        (
            f"1. On the '{L.EVALUATION}' sheet, read each bidder's answer and score it on the published scale shown beside it.",
            st.wrap,
        ),
        ("2. Fill in only the shaded cells: your score (choose from the drop-down) and your reason for it.", st.wrap),
        ("3. Every score needs a reason: what in the answer earns that score, or what is missing.", st.wrap),
        ("4. Score on your own, before the moderation meeting. Do not change other cells, rows or sheets.", st.wrap),
        ("5. Save the workbook and return it to the procurement lead under its own file name.", st.wrap),
    ]
    if plan.blind:
        lines.append(
            ("Blind marking: bidders are shown as neutral labels (Bidder A, B, …). Do not try to identify them; "
             "if an answer reveals who the bidder is, tell the procurement lead.", st.warning)
        )  # fmt: skip
    for i, (text, fmt) in enumerate(lines):
        if text:
            ws.merge_range(i, 0, i, 2, "", fmt)
            write_string(ws, i, 0, clean_text(text), fmt)
            if lines_needed(text, 16 + 22 + 90) > 1:
                ws.set_row(i, 15 * lines_needed(text, 16 + 22 + 90) + 2)
    row = len(lines) + 1
    scales: dict[str, Scale] = {}
    for q in r.all_questions():
        scales.setdefault(r.scale_for(q).id, r.scale_for(q))
    for scale in scales.values():
        write_string(ws, row, 0, clean_text(f"Scale {scale.id}" + (f" ({scale.name})" if scale.name else "")), st.bold)
        row += 1
        for col, heading in enumerate(("Score", "Label", "Descriptor")):
            write_string(ws, row, col, heading, st.header)
        row += 1
        for p in reversed(scale.points):
            ws.write_number(row, 0, p.score, st.number)
            write_string(ws, row, 1, clean_text(p.label), st.locked)
            write_string(ws, row, 2, clean_text(p.descriptor), st.locked)
            row += 1
        row += 1
    protect(ws)


def _evaluation_sheet(wb: Workbook, plan: PanelPlan, evaluator: str, st: Styles) -> None:
    r = plan.rubric
    ws = wb.add_worksheet(L.EVALUATION)
    write_string(ws, 0, 0, clean_text(f"Scores of {evaluator}: fill in the shaded cells"), st.title)
    write_string(
        ws, 1, 0, "One row per bid and question. Your score must be a point on the scale; your reason is required."
    )
    for col in L.EVALUATION_COLUMNS:
        ws.set_column(col.index, col.index, col.width)
        write_string(ws, L.HEADER_ROW - 1, col.index, col.heading, st.header)
    ws.set_row(L.HEADER_ROW - 1, 30)
    ws.freeze_panes(L.HEADER_ROW, L.EV_CODE.index + 1)
    grey = wb.add_format(
        {"italic": True, "font_color": "#7F7F7F", "valign": "top", "border": 1, "border_color": "#BFBFBF"}
    )
    row = L.FIRST_DATA_ROW - 1
    for pb in plan.bids:
        bidder = pb.label if plan.blind else pb.bid.label
        for q in r.all_questions():
            scale = r.scale_for(q)
            answer = pb.answers.get(q.code, "")
            legend = scale_legend(scale)
            write_string(ws, row, L.EV_BID.index, clean_text(pb.label), st.locked)
            write_string(ws, row, L.EV_BIDDER.index, clean_text(bidder), st.locked)
            write_string(ws, row, L.EV_CODE.index, q.code, st.locked)
            write_string(ws, row, L.EV_QUESTION.index, clean_text(q.text.strip()), st.locked)
            if answer.strip():
                write_string(ws, row, L.EV_ANSWER.index, clean_text(answer), st.locked)
            else:
                write_string(ws, row, L.EV_ANSWER.index, "[No answer was given]", grey)
            given = pb.bid.answers.get(q.code)
            ws.write_number(row, L.EV_WORDS.index, given.words if given else 0, st.number)
            if q.word_limit:
                ws.write_number(row, L.EV_LIMIT.index, q.word_limit, st.number)
            else:
                ws.write_blank(row, L.EV_LIMIT.index, None, st.locked)
            write_string(ws, row, L.EV_SCALE.index, clean_text(legend), st.locked)
            ws.write_blank(row, L.EV_SCORE.index, None, st.input_number)
            ws.write_blank(row, L.EV_REASON.index, None, st.input_text)
            allowed = [f"{s:g}" for s in scale.scores]
            ws.data_validation(
                row, L.EV_SCORE.index, row, L.EV_SCORE.index,
                {"validate": "list", "source": allowed, "input_title": "Your score",
                 "input_message": clean_text(f"Scale {scale.id}: " + ", ".join(f"{p.score:g} {p.label}" for p in scale.points))[:255],
                 "error_title": "Not on the scale", "error_message": f"Choose one of {', '.join(allowed)}."},
            )  # fmt: skip
            ws.set_row(
                row, _row_height((answer, L.EV_ANSWER.width), (legend, L.EV_SCALE.width), (q.text, L.EV_QUESTION.width))
            )
            row += 1
    if row > L.FIRST_DATA_ROW - 1:
        first, last = L.FIRST_DATA_ROW - 1, row - 1
        words, limit = L.cell_ref(L.EV_WORDS, first + 1), L.cell_ref(L.EV_LIMIT, first + 1)
        over = wb.add_format({"bg_color": "#F8CBAD"})
        ws.conditional_format(
            first, L.EV_WORDS.index, last, L.EV_WORDS.index,
            {"type": "formula", "criteria": f"=AND({limit}>0,{words}>{limit})", "format": over},
        )  # fmt: skip
    page_setup(ws, [c.width for c in L.EVALUATION_COLUMNS], L.HEADER_ROW - 1, repeat_columns=L.EV_CODE.index + 1)
    protect(ws)
    ws.activate()


def write_evaluator_workbook(plan: PanelPlan, evaluator: str, target: Path, inputs: Sequence[Path] = ()) -> Path:
    """One evaluator's workbook, written atomically."""
    with atomic_path(target, inputs) as tmp:
        wb = SafeWorkbook(str(tmp), WORKBOOK_OPTIONS)
        st = Styles(wb)
        _instructions(wb, plan, evaluator, st)
        _evaluation_sheet(wb, plan, evaluator, st)
        write_meta(wb, _meta(plan, KIND_EVALUATOR, evaluator))
        wb.set_properties({"title": "Evaluation workbook", "author": "", "comments": f"socialvalue {__version__}"})
        wb.close()
    return target


def write_key_workbook(plan: PanelPlan, target: Path, inputs: Sequence[Path] = ()) -> Path:
    """The blind-marking key: label → bid file → supplier (and the bid file's SHA-256)."""
    with atomic_path(target, inputs) as tmp:
        wb = SafeWorkbook(str(tmp), WORKBOOK_OPTIONS)
        st = Styles(wb)
        ws = wb.add_worksheet(L.PANEL_KEY)
        write_string(ws, 0, 0, clean_text(f"Blind-marking key: {plan.rubric.title}"), st.title)
        write_string(
            ws, 1, 0, "Keep this file apart from the evaluators until the panel's scores are collected.", st.warning
        )
        for col in L.KEY_COLUMNS:
            ws.set_column(col.index, col.index, col.width)
            write_string(ws, L.HEADER_ROW - 1, col.index, col.heading, st.header)
        for i, pb in enumerate(plan.bids):
            row = L.FIRST_DATA_ROW - 1 + i
            write_string(ws, row, L.KEY_LABEL.index, pb.label, st.locked)
            write_string(ws, row, L.KEY_BID.index, clean_text(pb.bid.bid_id), st.locked)
            write_string(ws, row, L.KEY_SUPPLIER.index, clean_text(pb.bid.label), st.locked)
            write_string(ws, row, L.KEY_SHA256.index, pb.bid.sha256, st.locked)
        page_setup(ws, [c.width for c in L.KEY_COLUMNS], L.HEADER_ROW - 1)
        protect(ws)
        write_meta(wb, _meta(plan, KIND_KEY))
        wb.set_properties({"title": "Blind-marking key", "comments": f"socialvalue {__version__}"})
        wb.close()
    return target


def default_key_path(out_dir: Path) -> Path:
    """Beside the evaluators' folder, never inside it: ``panel/`` → ``panel-key.xlsx``."""
    return out_dir.parent / f"{out_dir.name}-key.xlsx"


def prepare_panel(
    bids: Sequence[Bid],
    rubric: Rubric,
    evaluators: Sequence[str],
    out_dir: Path,
    blind: bool = False,
    key_path: Path | None = None,
    inputs: Sequence[Path] = (),
    overwrite: bool = False,
) -> Prepared:
    """Write one workbook per evaluator into ``out_dir`` (and the key, when blind), all together or none.

    Raises :class:`~socialvalue.output.atomic.OutputError` before writing anything when a workbook
    there holds someone's scores or reasons (a returned workbook) and ``overwrite`` is false, or when
    the key would sit inside ``out_dir``.
    """
    plan, problems = plan_panel(rubric, bids, evaluators, blind)
    targets = {name: out_dir / evaluator_file_name(name) for name in plan.evaluators}
    key = (key_path or default_key_path(out_dir)) if blind else None
    if key is not None and out_dir.resolve() in key.resolve().parents:
        raise OutputRefused(
            f"refusing to write the key {key} inside {out_dir}: keep it apart from the evaluator workbooks"
        )
    for target in [*targets.values(), *([key] if key else [])]:
        check_target(target, inputs, overwrite=overwrite)
    with together(overwrite=overwrite):
        for name, target in targets.items():
            write_evaluator_workbook(plan, name, target, inputs)
        if key is not None:
            write_key_workbook(plan, key, inputs)
    return Prepared(plan=plan, workbooks=targets, key=key, problems=problems)
