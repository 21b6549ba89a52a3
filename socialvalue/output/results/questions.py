"""Questions (each question once, then one short row per bid per question) and Gates, written a bid at a time."""

from __future__ import annotations

from socialvalue.problems import cell_text
from socialvalue.rubric import CriterionKind
from socialvalue.scoring import arithmetic
from socialvalue.scoring.engine import ScoredBid

from ..safe import clean_text
from ..sheets import ROW_MAX_HEIGHT, fit_height, lines_needed, put, write_formula, write_string
from .layout import GATES, HEADER_ROW, QUESTIONS, Col, Context, header, ref

COLUMNS = [
    Col("bid", "Bid file", 20), Col("supplier", "Supplier", 22), Col("code", "Code", 8),
    Col("score", "Consensus score", 10, "number"), Col("descriptor", "Descriptor", 28),
    Col("points", "Points", 10, "points"), Col("reason", "Reason (moderation)", 42),
    Col("source", "Score from", 20), Col("words", "Words", 9, "number"),
]  # fmt: skip
C = {col.key: i for i, col in enumerate(COLUMNS)}
BLOCK = ["Criterion", "Theme", "Code", "Top of scale", "Scale", "Max points", "Question",
         "Weight % of criterion", "Word limit", "Minimum score"]  # fmt: skip
"""The per-question block sits over the data columns it explains: top of scale over the score, max over points."""


class Questions:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        r = ctx.rubric
        self.questions = r.all_questions()
        block_row = {q.code: HEADER_ROW + 1 + i for i, q in enumerate(self.questions)}
        self.header_row = self.row = HEADER_ROW + len(self.questions) + 2
        self.top = {code: ref(3, row, True) for code, row in block_row.items()}
        self.most = {code: ref(5, row, True) for code, row in block_row.items()}
        if not self.questions:
            return
        f = ctx.f
        theme_of = {q.code: t.name for t, q in r.sv_questions()}
        quality = r.criterion(CriterionKind.QUALITY)
        ws = ctx.sheets[QUESTIONS]

        def question_block() -> None:
            ws.set_column(len(COLUMNS), len(COLUMNS), 9)
            for i, heading in enumerate(BLOCK):
                ws.write(HEADER_ROW, i, heading, f.header)
            ws.set_row(HEADER_ROW, 33)
            for q in self.questions:
                row = block_row[q.code]
                part = r.criterion(r.question_part(q))
                scale = r.scale_for(q)
                is_quality = quality is not None and r.question_part(q) is CriterionKind.QUALITY
                weight_name = "W_quality" if is_quality else "W_sv_qual"
                put(ws, row, 0, part.name if part else "", f.text)
                put(ws, row, 1, theme_of.get(q.code, part.name if part else ""), f.wrap)
                put(ws, row, 2, q.code, f.code)
                put(ws, row, 3, scale.max, f.number)
                put(ws, row, 4, scale.id, f.indented)
                most = arithmetic.question_max_points_formula(weight_name, ref(7, row))
                write_formula(ws, row, 5, most, r.question_max_points(q), f.points)
                put(ws, row, 6, q.text.strip(), f.wrap)
                fit_height(ws, row, q.text.strip(), COLUMNS[6].width)
                put(ws, row, 7, r.question_weight_pct(q), f.pct)
                put(ws, row, 8, q.word_limit, f.number)
                put(ws, row, 9, q.minimum_score, f.number)

        header(
            ws, COLUMNS, "Questions: consensus scores, with the reasons recorded by the panel",
            [*ctx.notes[:2], "Points = max points × consensus score ÷ top of scale (the question's row above)"],
            f, self.header_row, freeze=False, rows_above=question_block,
        )  # fmt: skip
        # the headings stay in view while scrolling, unless the question block would fill the screen
        ws.freeze_panes(self.header_row + 1 if len(self.questions) <= 10 else 0, 2)
        ctx.q_score_col, ctx.q_points_col = C["score"], C["points"]

    def add(self, bid: ScoredBid) -> None:
        if not self.questions or not bid.questions:
            return
        ctx, f = self.ctx, self.ctx.f
        ws = ctx.sheets[QUESTIONS]
        names = ctx.name(bid.result.bid_id, bid.result.supplier)
        reason_width, descriptor_width = COLUMNS[C["reason"]].width, COLUMNS[C["descriptor"]].width
        for q in bid.questions:
            self.row += 1
            row = self.row
            key = (q.bid_id, q.part)
            first, _ = ctx.q_rows.get(key, (row, row))
            ctx.q_rows[key] = (first, row)
            write_string(ws, row, C["bid"], names[0], f.text)
            write_string(ws, row, C["supplier"], names[1], f.text)
            write_string(ws, row, C["code"], q.code, f.text)
            s = ref(C["score"], row)
            if q.score is not None:
                ws.write_number(row, C["score"], q.score, f.number)
            if q.descriptor:
                write_string(ws, row, C["descriptor"], clean_text(q.descriptor), f.indented_wrap)
            if q.code in self.top:
                points = arithmetic.question_points_formula(s, self.most[q.code], self.top[q.code])
            else:  # a question the rubric no longer has: its own figures
                points = arithmetic.question_points_formula(s, repr(q.max_points), repr(q.scale_max))
            write_formula(ws, row, C["points"], points, q.points, f.points)
            if q.score is None:
                write_string(ws, row, C["reason"], "NOT YET SCORED", f.wrap)
            elif q.reason:
                write_string(ws, row, C["reason"], clean_text(q.reason), f.wrap)
            if q.reason or q.descriptor:  # rows grow to show the reason and descriptor in full (wrapped)
                lines = max(lines_needed(q.reason, reason_width), lines_needed(q.descriptor, descriptor_width))
                if lines > 1:
                    ws.set_row(row, min(ROW_MAX_HEIGHT, 15 * lines))
            if q.score_source:
                write_string(ws, row, C["source"], clean_text(q.score_source), f.text)
            ws.write_number(row, C["words"], q.words, f.number)

    def finish(self) -> None:
        if self.questions:
            self.ctx.sheets[QUESTIONS].autofilter(self.header_row, 0, self.row, len(COLUMNS) - 1)


GATE_COLUMNS = [
    Col("bid", "Bid file", 20), Col("supplier", "Supplier", 22), Col("code", "Code", 8),
    Col("text", "Requirement", 46), Col("answer", "Answer", 10), Col("passed", "Passed", 8),
    Col("evidence", "Evidence", 32), Col("cell", "Input cell", 14),
]  # fmt: skip


class Gates:
    """Each bid's answer to each pass/fail requirement."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.row = HEADER_ROW
        self.c: dict[str, int] = {}
        if GATES in ctx.sheets:
            self.c = header(ctx.sheets[GATES], GATE_COLUMNS, "Pass/fail requirements", ctx.notes, ctx.f)

    def add(self, bid: ScoredBid) -> None:
        if not self.c:
            return
        ws, c, f = self.ctx.sheets[GATES], self.c, self.ctx.f
        for g in bid.gates:
            self.row += 1
            for key, value in (
                ("bid", g.bid_id), ("supplier", bid.result.supplier), ("code", g.code), ("text", g.text),
                ("answer", g.answer), ("passed", g.passed), ("evidence", g.evidence), ("cell", cell_text(g.cell)),
            ):  # fmt: skip
                put(ws, self.row, c[key], value, f.excluded if key == "passed" and g.passed is not True else None)
