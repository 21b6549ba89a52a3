"""Assessment summaries (one per assessed bidder) and the evaluation report, as Word and HTML.

Under the Procurement Act 2023 every supplier whose tender was assessed receives, before the
contract award notice, a summary with its own scores and the most advantageous tender's scores
per award criterion, with reasons. The evaluation report is for the approval board: method,
panel, scores, ranking, flags, how ties and abnormally low prices were handled, and the
before-award checks.

Everything comes from the scored tender (``socialvalue score --json``) and the rubric; the panel
comes from the moderation workbook when given. Nothing is re-scored here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from socialvalue import __version__
from socialvalue.details import TenderDetails
from socialvalue.problems import Problem, Severity
from socialvalue.rubric import CriterionKind, Rubric
from socialvalue.scoring.flags import TIES, FlagKind, in_order
from socialvalue.scoring.pool import sv_points
from socialvalue.scoring.results import BidResult, BidStatus, Decision, MeasureLine, QuestionLine, TenderResult
from socialvalue.shown import NONE, money, points, quantity

from .atomic import atomic_dir
from .document import Block, Bullets, Document, Heading, Para, Table, write_docx, write_html
from .scored import LoadedResults

if TYPE_CHECKING:
    from socialvalue.panel.record import PanelRecord


# --- small formatting helpers ------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "bid"


def _criterion_rows(rubric: Rubric, bids: Sequence[BidResult | None]) -> tuple[list[list[str]], set[int]]:
    """Rows of (criterion, weight, points for each of ``bids``) and the index of the bold total row."""
    rows: list[list[str]] = []
    sv = rubric.social_value
    for c in rubric.criteria:
        if c.kind is CriterionKind.PRICE:
            values = [b.price_points if b else None for b in bids]
        elif c.kind is CriterionKind.QUALITY:
            values = [b.quality_points if b else None for b in bids]
        else:
            values = [sv_points(rubric, b) if b else None for b in bids]
        rows.append([c.name, f"{c.weight:g}", *(points(v) for v in values)])
        if c.kind is CriterionKind.SOCIAL_VALUE and sv is not None and 0 < sv.quantitative_share_pct < 100:
            rows.append(
                ["   of which: commitments (£ value)", f"{rubric.sv_quantitative_weight:g}", *(points(b.sv_quant_points if b else None) for b in bids)]
            )  # fmt: skip
            rows.append(
                ["   of which: written answers", f"{rubric.sv_qualitative_weight:g}", *(points(b.sv_qual_points if b else None) for b in bids)]
            )  # fmt: skip
    rows.append(["Total", "100", *(points(b.total if b else None) for b in bids)])
    return rows, {len(rows) - 1}


def _score_text(rubric: Rubric, line: QuestionLine | None) -> str:
    if line is None or line.score is None:
        return "not scored"
    label = ""
    for q in rubric.all_questions():
        if q.code == line.code:
            point = rubric.scale_for(q).point(line.score)
            label = point.label if point else ""
    return f"{line.score:g} of {line.scale_max:g}" + (f" ({label})" if label else "")


def _part_name(rubric: Rubric, line: QuestionLine) -> str:
    for c in rubric.criteria:
        if c.id == line.part:
            return c.name if line.theme in ("", c.name) else f"{c.name}: {line.theme}"
    return line.theme


def _illustrative(result: TenderResult) -> list[Block]:
    if not result.value_set_illustrative:
        return []
    return [
        Para(
            f"The £ values in this document come from the value set {result.value_set}. Those proxy values are "
            "illustrative only and must not be used to decide a contract award: score with the buyer's own value set "
            "before sending this document.",
            "warning",
        )
    ]


def _quantity(line: MeasureLine) -> str:
    if line.quantity is None:
        return f"{line.raw} (could not be read as a number: not counted)" if line.raw else "none"
    text = quantity(line.quantity)
    if line.counted_quantity != line.quantity:
        text += f" (counted: {quantity(line.counted_quantity)})"
    return text


# --- the assessment summary --------------------------------------------------------------------


def _given(value: object, label: str) -> str:
    """A tender detail as the letter shows it, or a visible gap naming it."""
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value) if value else f"[{label}: not given]"


NO_WINNER = "no most advantageous tender has been identified"
NOT_FULLY_SCORED = "this tender is not fully scored"


def draft_reasons(result: TenderResult, bid: BidResult, details: TenderDetails | None) -> list[str]:
    """Why one bidder's letter cannot be sent yet (empty: it can)."""
    reasons = []
    missing = (details or TenderDetails()).missing()
    if missing:
        reasons.append(f"the tender details do not give the {', '.join(missing)}")
    if bid.status is BidStatus.INCOMPLETE:
        reasons.append(NOT_FULLY_SCORED)
    if result.winner is None:
        reasons.append(NO_WINNER)
    return reasons


def assessment_summary(
    result: TenderResult, rubric: Rubric, bid: BidResult, source: str = "", details: TenderDetails | None = None
) -> Document:
    """One bidder's assessment summary: its scores and the winning tender's, criterion by criterion, with reasons.

    Who sends it, the tender's title and reference, the date, the contact and the end of standstill all come
    from ``details``; while any is missing (or the tender is not fully scored) the letter is marked DRAFT.
    """
    winner = result.winner
    is_winner = winner is not None and winner.bid_id == bid.bid_id
    compared = [b for b in result.bids if b.rank is not None]
    name = bid.supplier or bid.file
    d = details or TenderDetails()
    title = d.title or result.rubric_title
    draft = draft_reasons(result, bid, details)
    blocks: list[Block] = [
        *([Para(f"DRAFT, not ready to send: {'; '.join(draft)}.", "warning")] if draft else []),
        Para(_given(d.buyer, "buyer"), label="From:"),
        Para(name, label="To:"),
        Para(
            f"{_given(d.title, 'tender title')}, reference {_given(d.reference, 'tender reference')}", label="Tender:"
        ),
        Para(_given(d.letter_date, "letter date"), label="Date:"),
        Para(
            f"This summary explains how the tender from {name} for \u201c{title}\u201d was assessed against "
            "the published award criteria, and how the most advantageous tender was assessed, with the reasons for "
            "the scores. It is given to every supplier whose tender was assessed, before the contract award notice "
            "is published (Procurement Act 2023).",
            "lead",
        ),
        *_illustrative(result),
        Heading("Outcome"),
    ]
    if bid.status is BidStatus.RANKED and bid.rank is not None:
        if is_winner:
            blocks.append(
                Para(
                    f"Your tender is the most advantageous tender: ranked 1 of {len(compared)} with {points(bid.total)} points out of 100."
                )
            )
        else:
            blocks.append(
                Para(f"Your tender ranked {bid.rank} of {len(compared)} with {points(bid.total)} points out of 100.")
            )
    elif bid.status is BidStatus.EXCLUDED:
        blocks.append(
            Para(
                f"Your tender was not compared with the others because it did not meet a published requirement: {bid.status_reason}."
            )
        )
    else:
        blocks.append(
            Para(
                f"Your tender has not been fully scored yet ({bid.status_reason}): this summary is a draft.", "warning"
            )
        )
    if winner is not None and not is_winner:
        blocks.append(
            Para(
                f"The most advantageous tender was submitted by {winner.supplier or winner.file}, with {points(winner.total)} points out of 100."
            )
        )
    elif winner is None:
        blocks.append(Para("No most advantageous tender has been identified yet: this summary is a draft.", "warning"))

    blocks.append(Heading("Award criteria and scores"))
    columns = [bid] if is_winner else [bid, winner]
    rows, bold = _criterion_rows(rubric, columns)
    headings = ["Award criterion", "Weight (maximum points)", "Your tender"]
    if not is_winner:
        headings.append("Most advantageous tender")
    blocks.append(
        Table(headings, rows, widths=[3.2, 1.6, 1.6, 1.6][: len(headings)], bold_rows=bold, label_column=True)
    )
    blocks.append(
        Para(
            "Points are out of 100 in total; each criterion's maximum is its weight. "
            + result.explanations.get("price_points", ""),
            "note",
        )
    )
    sv_rule = result.explanations.get("sv_points")
    if sv_rule:
        blocks.append(Para(sv_rule, "note"))

    mine = {q.code: q for q in result.questions if q.bid_id == bid.bid_id}
    theirs = {q.code: q for q in result.questions if winner is not None and q.bid_id == winner.bid_id}
    if mine:
        blocks.append(Heading("Scores and reasons for each question"))
    for q in rubric.all_questions():
        line = mine.get(q.code)
        if line is None:
            continue
        blocks.append(Heading(f"{q.code}: {_part_name(rubric, line)} (up to {line.max_points:g} points)", 2))
        blocks.append(Para(q.text.strip(), "note", keep_with_next=True))
        other = theirs.get(q.code)
        q_rows = [
            ["Score", _score_text(rubric, line)],
            ["Points", f"{points(line.points)} of {line.max_points:g}"],
            ["Reason", line.reason or "no reason recorded"],
        ]
        q_headings = ["", "Your tender"]
        if not is_winner:
            q_headings.append("Most advantageous tender")
            q_rows[0].append(_score_text(rubric, other))
            q_rows[1].append(f"{points(other.points if other else None)} of {line.max_points:g}")
            q_rows[2].append((other.reason if other else "") or "no reason recorded")
        if line.minimum_score is not None:
            q_rows.append(
                [
                    "Minimum score",
                    f"{line.minimum_score:g}: a lower score excludes the tender",
                    *([""] if not is_winner else []),
                ]
            )
        blocks.append(Table(q_headings, q_rows, widths=[1.1, 3.0, 3.0][: len(q_headings)], label_column=True))

    lines = [m for m in result.measures if m.bid_id == bid.bid_id]
    if lines:
        blocks.append(Heading("Your social value commitments"))
        blocks.append(Para("What your tender committed to deliver over the contract, as read from your response workbook. "
                           "If this contract is awarded to you, these commitments become contract KPIs reported each quarter."))  # fmt: skip
        m_rows = [
            [m.code, m.description, _quantity(m), m.unit, money(m.net) if m.net is not None else "counted, no £ value"]
            for m in lines
        ]
        m_rows.append(
            ["", "Total social value (net of deadweight, displacement and attribution)", "", "", money(bid.sv_net)]
        )
        blocks.append(Table(["Code", "Measure", "Committed", "Unit", "Social value (net £)"], m_rows,
                            widths=[0.8, 3.4, 1.5, 0.9, 1.4], bold_rows={len(m_rows) - 1}))  # fmt: skip
        if bid.sv_percent_of_price is not None:
            blocks.append(
                Para(
                    f"Net social value scored: {money(bid.sv_scored)}, {bid.sv_percent_of_price:.1f}% of your bid price.",
                    "note",
                )
            )
    blocks.append(Heading("What happens next"))
    notice = f" on {_given(d.award_notice_date, 'award notice date')}" if d.award_notice_date else ""
    blocks.append(Para(f"The contract award notice follows this summary{notice}. The standstill period ends at midnight "
                       f"on {_given(d.standstill_end, 'standstill end date')}; the contract will not be entered into "
                       "before then."))  # fmt: skip
    phone = f", {d.contact.phone}" if d.contact.phone else ""
    blocks.append(Para(f"Questions about this summary: {_given(d.contact.name, 'contact name')}, "
                       f"{_given(d.contact.email, 'contact email')}{phone}. Please quote the reference "
                       f"{_given(d.reference, 'tender reference')}."))  # fmt: skip
    footer = (f"Assessment summary for {bid.file}. Rubric {result.rubric_id} v{result.rubric_version} "
              f"(fingerprint {result.rubric_fingerprint[:12]}). socialvalue {__version__}" + (f", from {source}" if source else "") + ".")  # fmt: skip
    heading = "Assessment summary (DRAFT)" if draft else "Assessment summary"
    return Document(title=heading, subtitle=f"{name}: {title}", blocks=blocks, footer=footer)


# --- the evaluation report ---------------------------------------------------------------------


def _method(rubric: Rubric, result: TenderResult) -> list[Block]:
    explain = result.explanations
    how = {
        CriterionKind.PRICE: explain.get("price_points", ""),
        CriterionKind.QUALITY: explain.get("question_points", ""),
        CriterionKind.SOCIAL_VALUE: "; ".join(
            v for k, v in explain.items() if k in ("sv_points", "sv_question_points")
        ),
    }
    blocks: list[Block] = [
        Heading("Method"),
        Para(f"Rubric {rubric.id} version {rubric.version}: {rubric.title}. Policy: {rubric.policy.value}."),
        Table(["Award criterion", "Weight", "How points are worked out"],
              [[c.name, f"{c.weight:g}%", how[c.kind]] for c in rubric.criteria], widths=[1.4, 0.8, 6.0], label_column=True),
    ]  # fmt: skip
    items = [f"Price: {rubric.price_method.method}."]
    sv = rubric.social_value
    if sv is not None:
        items.append(
            f"Social value: {sv.quantitative_share_pct:g}% of its weight on the £ value of commitments "
            f"({sv.quantitative_method.method}, {sv.score_on} £), {100 - sv.quantitative_share_pct:g}% on written answers."
        )
        if result.value_set:
            items.append(f"Proxy values: {result.value_set}.")
    scales = {rubric.scale_for(q).id: rubric.scale_for(q) for q in rubric.all_questions()}
    for s in scales.values():
        items.append(f"Scale {s.id}: " + "; ".join(f"{p.score:g} {p.label}" for p in s.points) + ".")
    for q in rubric.all_questions():
        if q.minimum_score is not None:
            items.append(
                f"Minimum score on {q.code}: {q.minimum_score:g} (a lower consensus score excludes the tender)."
            )
    for g in rubric.all_gates():
        items.append(f"Pass/fail {g.code}: {g.text}")
    items.append(explain.get("tie_break", "") + ".")
    items.append(explain.get("abnormally_low", "") + ".")
    blocks.append(Bullets(items))
    return blocks


def _panel(result: TenderResult, panel: PanelRecord | None) -> list[Block]:
    blocks: list[Block] = [Heading("Evaluation panel")]
    if panel is None:
        sources = sorted({q.score_source.rsplit(" ", 1)[0] for q in result.questions if q.score_source})
        blocks.append(Para("The panel's names were not given to this report (give the moderation workbook with --moderation)."
                           + (f" Consensus scores were read from: {', '.join(sources)}." if sources else ""), "note"))  # fmt: skip
        return blocks
    blocks.append(Para(", ".join(panel.evaluators) or "none recorded", label="Evaluators:"))
    blocks.append(Para("each evaluator scored every answer independently in their own workbook"
                       + (", with bidders shown as neutral labels (blind marking)" if panel.blind else "")
                       + "; a moderation meeting then agreed one consensus score per question, with a recorded reason.",
                       label="How:"))  # fmt: skip
    blocks.append(Para(panel.rule + ".", label="Disagreement rule:"))
    blocks.append(
        Para(
            f"{len(panel.flagged)} of {len(panel.scores)} bid questions were flagged for discussion.", label="Flagged:"
        )
    )
    rows = [[name, file, digest] for name, file, digest in panel.workbooks]
    blocks.append(
        Table(["Evaluator", "Evaluator workbook", "SHA-256"], rows, widths=[1.4, 2.4, 4.4], label_column=True)
    )
    key = f"; blind-marking key {panel.key[0]} (SHA-256 {panel.key[1]})" if panel.key else ""
    blocks.append(Para(f"Moderation workbook {panel.file}, SHA-256 {panel.sha256}{key}.", "note"))
    return blocks


def _ranking(rubric: Rubric, result: TenderResult) -> list[Block]:
    sv = rubric.social_value
    headings = ["Rank", "Bidder", "Status", "Price"]
    if rubric.weight(CriterionKind.PRICE):
        headings.append("Price points")
    if rubric.quality:
        headings.append("Quality points")
    if sv is not None and sv.quantitative_share_pct > 0:
        headings.append("SV commitments points")
    if sv is not None and sv.quantitative_share_pct < 100:
        headings.append("SV answers points")
    headings.append("Total")
    rows: list[list[str]] = []
    for b in result.bids:
        row = [str(b.rank) if b.rank else NONE, b.supplier or b.file, b.status.value, money(b.price, pence=True)]
        if "Price points" in headings:
            row.append(points(b.price_points))
        if "Quality points" in headings:
            row.append(points(b.quality_points))
        if "SV commitments points" in headings:
            row.append(points(b.sv_quant_points))
        if "SV answers points" in headings:
            row.append(points(b.sv_qual_points))
        row.append(points(b.total))
        rows.append(row)
    widths = [0.6, 2.6, 1.1, 1.4] + [1.1] * (len(headings) - 4)
    bold = {i for i, b in enumerate(result.bids) if result.winner is not None and b.bid_id == result.winner.bid_id}
    return [Heading("Scores and ranking"), Table(headings, rows, widths=widths, bold_rows=bold)]


def _consensus(rubric: Rubric, result: TenderResult, panel: PanelRecord | None) -> list[Block]:
    names = {b.bid_id: b.supplier or b.file for b in result.bids}
    headings = ["Bidder", "Question", "Consensus score", "Reason"]
    widths = [1.8, 1.0, 1.3, 5.0]
    if panel is not None:
        headings.insert(2, "Evaluators' scores")
        widths.insert(2, 1.8)
    rows: list[list[str]] = []
    for q in result.questions:
        row = [names.get(q.bid_id, q.bid_id), q.code, _score_text(rubric, q), q.reason or "no reason recorded"]
        if panel is not None:
            scores = panel.scores.get((q.bid_id, q.code))
            shown = (
                NONE
                if scores is None
                else ", ".join(
                    f"{n} {s:g}" if s is not None else f"{n} {NONE}"
                    for n, s in zip(panel.evaluators, scores, strict=False)
                )
            )
            if (q.bid_id, q.code) in panel.flagged:
                shown += " (flagged for discussion)"
            row.insert(2, shown)
        rows.append(row)
    return [Heading("Consensus scores and reasons"), Table(headings, rows, widths=widths)]


def _flags(rubric: Rubric, result: TenderResult) -> list[Block]:
    blocks: list[Block] = [Heading("Flags")]

    def who(b: BidResult) -> str:
        """The bidder, and whether it is outside the comparison (its flags then change no score)."""
        return f"{b.supplier or b.file}" + ("" if b.in_pool else f" (outside the comparison: {b.status.value})")

    items = [f"{who(b)}: {f.text}" for b in result.bids for f in in_order(b.flags)]
    blocks.append(Bullets(items) if items else Para("No flags were raised."))
    ties = [f"{b.supplier or b.file}: {f.text}" for b in result.bids for f in in_order(b.flags) if f.kind in TIES]
    low_bids = [b for b in result.bids if any(f.kind is FlagKind.LOW_PRICE for f in b.flags)]
    low = [f"{who(b)}: {f.text}" for b in low_bids for f in b.flags if f.kind is FlagKind.LOW_PRICE]
    blocks.append(Heading("Ties", 2))
    rule = ", then ".join(t.value for t in rubric.tie_break)
    if ties:
        blocks += [Para(f"Equal totals were separated by the tie-break published in advance ({rule})."), Bullets(ties)]
    else:
        blocks.append(
            Para(f"No two compared tenders had equal totals; the published tie-break ({rule}) was not needed.")
        )
    blocks.append(Heading("Abnormally low prices", 2))
    if low:
        blocks += [
            Para(
                "These prices were flagged for investigation, not rejected: ask the bidder to explain the price "
                "and record the outcome before award."
                + (
                    " A bid outside the comparison (excluded, or incomplete) is flagged too: its price changed no "
                    "score, but the flag is part of the record."
                    if any(not b.in_pool for b in low_bids)
                    else ""
                )
            ),
            Bullets(low),
        ]
    else:
        blocks.append(Para(f"No price was flagged. {result.explanations.get('abnormally_low', '')}."))
    return blocks


def _checks(checks: Sequence[Problem]) -> list[Block]:
    blocks: list[Block] = [Heading("Before-award checks")]
    if not checks:
        blocks.append(Para("No issues: the winning tender meets every minimum commitment in the rubric, and no bid commits "
                           "to two measures the rubric says may count the same people or spend."))  # fmt: skip
        return blocks
    blocks.append(Para(f"{len(checks)} issue(s) to resolve or record before award:", "warning"))
    blocks.append(Bullets([str(p) for p in checks]))
    return blocks


def _not_compared(result: TenderResult) -> list[Block]:
    out = [b for b in result.bids if b.status is not BidStatus.RANKED]
    if not out:
        return []
    rows = [[b.supplier or b.file, b.file, b.status.value, b.status_reason] for b in out]
    return [Heading("Bids not ranked"), Table(["Bidder", "File", "Status", "Why"], rows, widths=[1.8, 2.2, 1.0, 4.0])]


def _decision(decision: Decision | None) -> list[Block]:
    """Why the winner won, and how robust the decision is (from the scored tender's Decision)."""
    if decision is None:
        return []
    blocks: list[Block] = [Heading("The decision"), *(Para(line) for line in decision.why)]
    if decision.gaps:
        rows: list[list[str]] = []
        bold: set[int] = set()
        for gap in decision.gaps:
            bold.add(len(rows))
            rows.append(
                [
                    gap.part,
                    points(gap.winner_points),
                    points(gap.runner_up_points),
                    f"{gap.difference:+.2f}",
                    gap.detail,
                ]
            )
            rows += [["   " + g.part, points(g.winner_points), points(g.runner_up_points), f"{g.difference:+.2f}", g.detail]
                     for g in gap.questions]  # fmt: skip
        blocks.append(Table(["Points", decision.winner, decision.runner_up, "Difference", "What lies behind it"], rows,
                            widths=[1.6, 1.2, 1.2, 1.0, 3.6], bold_rows=bold, label_column=True))  # fmt: skip
    blocks.append(Heading("How robust the decision is", 2))
    for i, line in enumerate(decision.robustness):
        blocks.append(Para(line, "warning" if i == 0 and line.startswith("Close") else "normal"))
    if decision.method:
        blocks.append(Para(" ".join(decision.method), "note"))
    return blocks


def evaluation_report(
    result: TenderResult,
    rubric: Rubric,
    checks: Sequence[Problem],
    panel: PanelRecord | None = None,
    source: LoadedResults | None = None,
    details: TenderDetails | None = None,
) -> Document:
    """The evaluation report for the approval board."""
    winner = result.winner
    d = details or TenderDetails()
    blocks: list[Block] = [
        Para(
            "For the approval board: how the tenders were evaluated, by whom, with what result, and what must be "
            "resolved before the award.",
            "lead",
        ),
        *_illustrative(result),
        Heading("Recommendation"),
    ]
    if winner is not None:
        blocks.append(Para(f"The most advantageous tender is {winner.supplier or winner.file} ({winner.file}), ranked 1 "
                           f"with {points(winner.total)} points out of 100."))  # fmt: skip
        if checks:
            blocks.append(Para("Resolve the before-award checks below before the contract award notice.", "warning"))
    else:
        blocks.append(
            Para(
                "No single most advantageous tender can be recommended yet: see the ranking and the bids not ranked.",
                "warning",
            )
        )
    blocks += _decision(result.decision)
    blocks += _method(rubric, result)
    blocks += _panel(result, panel)
    blocks += _ranking(rubric, result)
    blocks += _consensus(rubric, result, panel)
    blocks += _flags(rubric, result)
    blocks += _checks(checks)
    blocks += _not_compared(result)
    errors = sum(1 for p in result.problems if p.severity is Severity.ERROR)
    warnings = sum(1 for p in result.problems if p.severity is Severity.WARNING)
    facts = [
        ["Buyer", _given(d.buyer, "buyer")],
        ["Tender", f"{_given(d.title, 'tender title')}, reference {_given(d.reference, 'tender reference')}"],
        ["Contact", f"{_given(d.contact.name, 'contact name')}, {_given(d.contact.email, 'contact email')}"],
        [
            "Standstill",
            f"award notice {_given(d.award_notice_date, 'award notice date')}; ends "
            f"{_given(d.standstill_end, 'standstill end date')}",
        ],
        ["Rubric", f"{result.rubric_id} v{result.rubric_version}"],
        ["Rubric fingerprint (SHA-256)", result.rubric_fingerprint],
        ["Value set", result.value_set or "none"],
        [
            "Problems recorded when scoring",
            f"{errors} error(s), {warnings} warning(s): see the results workbook's Errors sheet",
        ],
    ]
    if source is not None:
        facts.append(["Results file", f"{source.file} (SHA-256 {source.sha256})"])
        facts.append(["Scored by", source.tool or "unknown"])
    if panel is not None:
        facts.append(["Moderation workbook", f"{panel.file} (SHA-256 {panel.sha256})"])
    facts.append(["Bid files", "; ".join(f"{b.file} ({b.sha256[:12]})" for b in result.bids)])
    blocks += [Heading("Audit"), Table(["What", "Detail"], facts, widths=[1.6, 6.0], label_column=True)]
    return Document(
        title="Evaluation report",
        subtitle=f"{d.title or result.rubric_title}"
        + (f" ({d.reference})" if d.reference else "")
        + (f": {d.buyer}" if d.buyer else ""),
        blocks=blocks,
        footer=f"Evaluation report. Rubric {result.rubric_id} v{result.rubric_version}. socialvalue {__version__}.",
        landscape=True,
    )


# --- writing everything ------------------------------------------------------------------------


@dataclass
class Written:
    summaries: dict[str, tuple[Path, Path]] = field(default_factory=dict)
    """Bid file → (docx, html)."""
    report: tuple[Path, Path] | None = None
    drafts: dict[str, list[str]] = field(default_factory=dict)
    """Bid file → why its letter is marked DRAFT (letters ready to send are not listed)."""
    not_ready: list[str] = field(default_factory=list)
    """Why the documents cannot be sent yet, each reason once (empty: ready to send)."""


def assessed(result: TenderResult) -> list[BidResult]:
    """Bids that were assessed (everything that could be read as a bid)."""
    return [b for b in result.bids if b.status is not BidStatus.UNREADABLE]


SUMMARY_PREFIX = "assessment-summary-"
REPORT_STEM = "evaluation-report"


def is_summaries_file(name: str) -> bool:
    """A file :func:`write_summaries` makes (so a folder of them may be replaced by the next run's)."""
    stem, dot, suffix = name.rpartition(".")
    return bool(dot) and suffix.lower() in ("docx", "html") and (stem.startswith(SUMMARY_PREFIX) or stem == REPORT_STEM)


def write_summaries(
    result: TenderResult,
    rubric: Rubric,
    out_dir: Path,
    checks: Sequence[Problem],
    panel: PanelRecord | None = None,
    source: LoadedResults | None = None,
    inputs: Sequence[Path] = (),
    details: TenderDetails | None = None,
) -> Written:
    """One assessment summary per assessed bidder and the evaluation report, each as .docx and .html.

    The folder is replaced whole (:func:`~socialvalue.output.atomic.atomic_dir`): it holds exactly this
    run's documents, so a withdrawn bidder's earlier letter does not linger beside the others.
    """
    written = Written()
    used: set[str] = set()
    with atomic_dir(out_dir, inputs, own=is_summaries_file) as tmp:
        for b in assessed(result):
            stem = f"{SUMMARY_PREFIX}{_slug(Path(b.file).stem)}"
            n = 2
            base = stem
            while stem in used:
                stem, n = f"{base}-{n}", n + 1
            used.add(stem)
            draft = draft_reasons(result, b, details)
            if draft:
                written.drafts[b.file] = draft
            doc = assessment_summary(result, rubric, b, source.file if source else "", details)
            write_docx(doc, tmp / f"{stem}.docx", inputs)
            write_html(doc, tmp / f"{stem}.html", inputs)
            written.summaries[b.file] = (out_dir / f"{stem}.docx", out_dir / f"{stem}.html")
        report = evaluation_report(result, rubric, checks, panel, source, details)
        write_docx(report, tmp / f"{REPORT_STEM}.docx", inputs)
        write_html(report, tmp / f"{REPORT_STEM}.html", inputs)
        written.report = (out_dir / f"{REPORT_STEM}.docx", out_dir / f"{REPORT_STEM}.html")
    no_winner = [] if result.winner is not None else [NO_WINNER]
    written.not_ready = list(dict.fromkeys([*no_winner, *(r for d in written.drafts.values() for r in d)]))
    return written
