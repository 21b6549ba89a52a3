"""The assessment summary: one letter per assessed bidder, with its own scores and the most advantageous
tender's, criterion by criterion and question by question, with the reasons; marked DRAFT while it cannot
be sent (:func:`draft_reasons`)."""

from __future__ import annotations

from collections.abc import Sequence

from socialvalue import __version__
from socialvalue.details import TenderDetails
from socialvalue.rubric import CriterionKind, Rubric
from socialvalue.scoring.pool import sv_points
from socialvalue.scoring.results import BidResult, BidStatus, MeasureLine, QuestionLine, TenderResult
from socialvalue.shown import money, points, quantity

from ..document import Block, Document, Heading, Para, Table
from .common import given, illustrative, score_text


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


def _part_name(rubric: Rubric, line: QuestionLine) -> str:
    for c in rubric.criteria:
        if c.id == line.part:
            return c.name if line.theme in ("", c.name) else f"{c.name}: {line.theme}"
    return line.theme


def _quantity(line: MeasureLine) -> str:
    if line.quantity is None:
        return f"{line.raw} (could not be read as a number: not counted)" if line.raw else "none"
    text = quantity(line.quantity)
    if line.counted_quantity != line.quantity:
        text += f" (counted: {quantity(line.counted_quantity)})"
    return text


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
        Para(given(d.buyer, "buyer"), label="From:"),
        Para(name, label="To:"),
        Para(f"{given(d.title, 'tender title')}, reference {given(d.reference, 'tender reference')}", label="Tender:"),
        Para(given(d.letter_date, "letter date"), label="Date:"),
        Para(
            f"This summary explains how the tender from {name} for \u201c{title}\u201d was assessed against "
            "the published award criteria, and how the most advantageous tender was assessed, with the reasons for "
            "the scores. It is given to every supplier whose tender was assessed, before the contract award notice "
            "is published (Procurement Act 2023).",
            "lead",
        ),
        *illustrative(result),
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
            ["Score", score_text(rubric, line)],
            ["Points", f"{points(line.points)} of {line.max_points:g}"],
            ["Reason", line.reason or "no reason recorded"],
        ]
        q_headings = ["", "Your tender"]
        if not is_winner:
            q_headings.append("Most advantageous tender")
            q_rows[0].append(score_text(rubric, other))
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
    notice = f" on {given(d.award_notice_date, 'award notice date')}" if d.award_notice_date else ""
    blocks.append(Para(f"The contract award notice follows this summary{notice}. The standstill period ends at midnight "
                       f"on {given(d.standstill_end, 'standstill end date')}; the contract will not be entered into "
                       "before then."))  # fmt: skip
    phone = f", {d.contact.phone}" if d.contact.phone else ""
    blocks.append(Para(f"Questions about this summary: {given(d.contact.name, 'contact name')}, "
                       f"{given(d.contact.email, 'contact email')}{phone}. Please quote the reference "
                       f"{given(d.reference, 'tender reference')}."))  # fmt: skip
    footer = (f"Assessment summary for {bid.file}. Rubric {result.rubric_id} v{result.rubric_version} "
              f"(fingerprint {result.rubric_fingerprint[:12]}). socialvalue {__version__}" + (f", from {source}" if source else "") + ".")  # fmt: skip
    heading = "Assessment summary (DRAFT)" if draft else "Assessment summary"
    return Document(title=heading, subtitle=f"{name}: {title}", blocks=blocks, footer=footer)
