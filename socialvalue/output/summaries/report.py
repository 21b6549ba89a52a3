"""The evaluation report for the approval board: recommendation, the decision and how robust it is, method,
panel, scores and ranking, consensus scores with reasons, flags (ties, abnormally low prices), the
before-award checks, the bids not ranked, and an audit table of every input's fingerprint."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from socialvalue import __version__
from socialvalue.details import TenderDetails
from socialvalue.problems import Problem, Severity
from socialvalue.rubric import CriterionKind, Rubric
from socialvalue.scoring.flags import TIES, FlagKind, in_order
from socialvalue.scoring.results import BidResult, BidStatus, Decision, TenderResult
from socialvalue.shown import NONE, money, points

from ..document import Block, Bullets, Document, Heading, Para, Table
from ..scored import LoadedResults
from .common import given, illustrative, score_text

if TYPE_CHECKING:
    from socialvalue.panel.record import PanelRecord


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
        row = [names.get(q.bid_id, q.bid_id), q.code, score_text(rubric, q), q.reason or "no reason recorded"]
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
        *illustrative(result),
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
        ["Buyer", given(d.buyer, "buyer")],
        ["Tender", f"{given(d.title, 'tender title')}, reference {given(d.reference, 'tender reference')}"],
        ["Contact", f"{given(d.contact.name, 'contact name')}, {given(d.contact.email, 'contact email')}"],
        [
            "Standstill",
            f"award notice {given(d.award_notice_date, 'award notice date')}; ends "
            f"{given(d.standstill_end, 'standstill end date')}",
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
