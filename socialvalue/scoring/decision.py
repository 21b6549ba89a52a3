"""The decision in words: why the winner won, and how robust that is.

Pure: rubric + bids + the panel's scores + the scored tender → a :class:`Decision` (no files, no Excel).
Every "what if" is re-scored by the scoring engine itself, through :class:`~.whatif.WhatIf`: the bids a
change touches are re-scored (:class:`BidScorer`) and compared (:func:`compare_bids`) with every bid that
could then rank first, against the whole tender's pool figures; nothing here repeats the engine's
arithmetic to decide an answer. Arithmetic on the scored result only says where to look (which moves can
matter, where a threshold lies); the engine confirms every change before it is reported. So the cost is
a few re-scored bids per change, not the whole tender per change.

The changes of each kind are looked for in :mod:`.changes`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from socialvalue.bid import Bid, PanelScore
from socialvalue.records import few_collections
from socialvalue.rubric import CriterionKind, Rubric, ValueSet
from socialvalue.shown import money, points

from .changes import Context, price_methods, runner_up_price, score_steps, weight_moves
from .engine import TOLERANCE
from .results import BidResult, BidStatus, Decision, DecisionChange, PartGap, QuestionLine, TenderResult
from .whatif import WhatIf, Work, winner_id

LISTED = 3
"""One-step changes named in the headline sentence (all are in ``changes``)."""


# --- why the winner won --------------------------------------------------------------------------


def _score_words(rubric: Rubric, line: QuestionLine | None) -> str:
    if line is None or line.score is None:
        return "not scored"
    for q in rubric.all_questions():
        if q.code == line.code:
            point = rubric.scale_for(q).point(line.score)
            if point:
                return f"{line.score:g} ({point.label})"
    return f"{line.score:g}"


def _question_gaps(rubric: Rubric, result: TenderResult, w: str, r: str, part: str) -> list[PartGap]:
    lines = {(q.bid_id, q.code): q for q in result.questions}
    gaps = []
    for q in rubric.all_questions():
        a, b = lines.get((w, q.code)), lines.get((r, q.code))
        if a is None or b is None or a.part != part:
            continue
        diff = (a.points or 0.0) - (b.points or 0.0)
        gaps.append(
            PartGap(
                part=q.code, winner_points=a.points, runner_up_points=b.points, difference=diff,
                detail=f"{q.code} scored {_score_words(rubric, a)} against {_score_words(rubric, b)}",
            )
        )  # fmt: skip
    return gaps


def gaps(rubric: Rubric, result: TenderResult, w: BidResult, r: BidResult) -> list[PartGap]:
    """Where the winner gained and lost points against the runner-up, criterion by criterion (and question by question)."""
    out: list[PartGap] = []
    sv = rubric.social_value
    for c in rubric.criteria:
        if c.kind is CriterionKind.PRICE:
            detail = (
                f"price {money(w.price, pence=True)} against {money(r.price, pence=True)}"
                if w.price is not None and r.price is not None
                else ""
            )
            out.append(PartGap(part=c.name, winner_points=w.price_points, runner_up_points=r.price_points,
                               difference=(w.price_points or 0) - (r.price_points or 0), detail=detail))  # fmt: skip
        elif c.kind is CriterionKind.QUALITY:
            qs = _question_gaps(rubric, result, w.bid_id, r.bid_id, c.id)
            out.append(PartGap(part=c.name, winner_points=w.quality_points, runner_up_points=r.quality_points,
                               difference=(w.quality_points or 0) - (r.quality_points or 0), questions=qs))  # fmt: skip
        elif sv is not None:
            parts: list[PartGap] = []
            if sv.quantitative_share_pct > 0:
                parts.append(
                    PartGap(part="commitments", winner_points=w.sv_quant_points, runner_up_points=r.sv_quant_points,
                            difference=(w.sv_quant_points or 0) - (r.sv_quant_points or 0),
                            detail=f"commitments worth {money(w.sv_scored, pence=True)} {sv.score_on} against {money(r.sv_scored, pence=True)}")
                )  # fmt: skip
            if sv.quantitative_share_pct < 100:
                parts += _question_gaps(rubric, result, w.bid_id, r.bid_id, c.id)
            wp = (w.sv_quant_points or 0) + (w.sv_qual_points or 0)
            rp = (r.sv_quant_points or 0) + (r.sv_qual_points or 0)
            out.append(PartGap(part=c.name, winner_points=wp, runner_up_points=rp, difference=wp - rp, questions=parts))
    return out


def _gap_words(gap: PartGap) -> str:
    moved = [g for g in gap.questions if abs(g.difference) > 0.005]
    inner = "; ".join(f"{g.detail}: {g.difference:+.2f}" for g in moved)
    detail = "; ".join(x for x in (gap.detail, inner) if x)
    return f"{abs(gap.difference):.2f} on {gap.part}" + (f" ({detail})" if detail else "")


def _why(rubric: Rubric, w: BidResult, r: BidResult, found: list[PartGap]) -> list[str]:
    margin = (w.total or 0) - (r.total or 0)
    name_w, name_r = w.supplier or w.bid_id, r.supplier or r.bid_id
    if margin > TOLERANCE:
        lines = [
            f"{name_w} ranked first with {points(w.total)} points out of 100, {margin:.2f} ahead of {name_r} ({points(r.total)})."
        ]
    else:
        rules = ", then ".join(t.value for t in rubric.tie_break)
        lines = [
            f"{name_w} and {name_r} have equal totals ({points(w.total)} points); {name_w} is placed first by the "
            f"published tie-break ({rules})."
        ]
    gained = [g for g in found if g.difference > 0.005]
    lost = [g for g in found if g.difference < -0.005]
    level = [g.part for g in found if abs(g.difference) <= 0.005]
    if gained:
        lines.append(f"{name_w} gained " + ", and ".join(_gap_words(g) for g in gained) + ".")
    if lost:
        lines.append("It lost " + ", and ".join(_gap_words(g) for g in lost) + ".")
    if level:
        lines.append(f"The two were level on {', '.join(level)}.")
    return lines


# --- the decision ----------------------------------------------------------------------------------

METHOD_NOTES = [
    "Each change was applied on its own, everything else as scored, and re-scored by the scoring engine: the tenders "
    "it changes scored again, then compared with every tender that could then rank first, against the whole pool.",
    "Scores: each consensus score one scale step down for the winner and one step up for any other tender that one "
    "step could bring level (and for a tender excluded only by one hurdle).",
    "Price: the highest price, in whole pence, at which the runner-up's tender would make another winner (a search "
    "over whole pence, each price tried re-scored).",
    "Weights: one criterion's weight moved, the others scaled in proportion so the weights still sum to 100; reported "
    "to 0.01 point.",
    "Price methods: each other published method (linear deduction at 1% of the marks per 1% above the lowest price).",
]


def _robustness(
    ctx: Context,
    steps: list[DecisionChange],
    tried: int,
    price: DecisionChange | None,
    weights: list[DecisionChange],
    methods: list[DecisionChange],
    same: list[str],
) -> list[str]:
    lines: list[str] = []
    if steps:
        named = "; ".join(ch.summary.rstrip(".") for ch in steps[:LISTED])
        more = f" (and {len(steps) - LISTED} more)" if len(steps) > LISTED else ""
        lines.append(
            f"Close: {len(steps)} single one-step change(s) to a consensus score would change the winner: {named}{more}."
        )
    else:
        lines.append(
            f"No single consensus score moved by one scale step on one question changes the winner ({tried} such moves tried)."
        )
    r = ctx.runner_up
    if price is not None:
        lines.append(price.summary)
    elif r is not None and ctx.rubric.weight(CriterionKind.PRICE):
        lines.append(f"No lower price from {ctx.name(r.bid_id)} alone would change the winner.")
    lines += [ch.summary for ch in weights]
    unmoved = [c.name for c in ctx.rubric.criteria if c.name not in {ch.criterion for ch in weights}]
    if unmoved and len(ctx.rubric.criteria) > 1:
        lines.append(f"No change to the weight of {', '.join(unmoved)} alone changes the winner.")
    lines += [ch.summary for ch in methods]
    if same:
        lines.append(f"{ctx.name(ctx.winner.bid_id)} would also win with price scored by {', '.join(same)}.")
    return lines


_FIGURES = ("status", "price", "sv_scored", "quality_points", "sv_qual_points")


def _reproduced(whatif: WhatIf, winner: BidResult, runner_up: BidResult | None) -> bool:
    """Whether the bids given are those ``result`` was scored from: the winner and the runner-up re-scored from
    them score as in the result, and the result's figures, compared again, name the same winner."""
    for b in (winner, runner_up):
        if b is None:
            continue
        if b.bid_id not in whatif.bids:
            return False
        again = whatif.rescore(whatif.bids[b.bid_id])
        if any(getattr(again, f) != getattr(whatif.base(b.bid_id), f) for f in _FIGURES):
            return False
    return winner_id(whatif.as_scored()) == winner.bid_id


def decide(
    rubric: Rubric,
    value_set: ValueSet | None,
    bids: Sequence[Bid],
    panel: Sequence[PanelScore],
    result: TenderResult,
    progress: Callable[[str], None] | None = None,
    work: Work | None = None,
) -> Decision:
    """Why ``result``'s winner won, and the smallest changes of each kind that would change the winner.

    ``work``, when given, counts what the what-ifs cost (bids re-scored and compared).
    """
    with few_collections():
        return _decide(rubric, value_set, bids, panel, result, progress, work or Work())


def _decide(
    rubric: Rubric,
    value_set: ValueSet | None,
    bids: Sequence[Bid],
    panel: Sequence[PanelScore],
    result: TenderResult,
    progress: Callable[[str], None] | None,
    work: Work,
) -> Decision:
    ranked = [b for b in result.bids if b.status is BidStatus.RANKED and b.rank is not None]
    winner = result.winner
    names = {b.bid_id: b.supplier or b.bid_id for b in result.bids}
    if not ranked:
        return Decision(
            status="no-winner", why=["No tender could be ranked: see the bids not ranked and their reasons."]
        )
    if winner is None:
        tied = [b for b in ranked if b.rank == 1]
        fallback = rubric.tie_break_fallback_words()
        return Decision(
            status="tie",
            why=[f"{' and '.join(names[b.bid_id] for b in tied)} are equal at the top after the published tie-break "
                 f"({', then '.join(t.value for t in rubric.tie_break)}). {fallback}"],
        )  # fmt: skip
    runner_up = next((b for b in ranked if b.bid_id != winner.bid_id), None)
    whatif = WhatIf(rubric, value_set, {b.bid_id: b for b in bids}, list(panel), result, work)
    if not _reproduced(whatif, winner, runner_up):  # the inputs given are not those the result was scored from
        return Decision(
            status="decided", winner_id=winner.bid_id, winner=names[winner.bid_id], winner_total=winner.total,
            robustness=["Not worked out: re-scoring the bids given does not reproduce this result's winner."],
        )  # fmt: skip
    ctx = Context(rubric, result, whatif, winner, runner_up, names)
    decision = Decision(
        status="decided" if runner_up else "uncontested",
        winner_id=winner.bid_id, winner=names[winner.bid_id], winner_total=winner.total, method=METHOD_NOTES,
    )  # fmt: skip
    if runner_up is None:
        decision.why = [f"{names[winner.bid_id]} is the only tender compared: it did not need to outscore another."]
    else:
        found = gaps(rubric, result, winner, runner_up)
        decision.runner_up_id, decision.runner_up = runner_up.bid_id, names[runner_up.bid_id]
        decision.runner_up_total = runner_up.total
        decision.margin = (winner.total or 0) - (runner_up.total or 0)
        decision.gaps = found
        decision.why = _why(rubric, winner, runner_up, found)

    def step(label: str) -> None:
        if progress:
            progress(label)

    step("scores")
    steps, tried = score_steps(ctx)
    step("price")
    price = runner_up_price(ctx)
    step("weights")
    weights = weight_moves(ctx)
    step("price methods")
    methods, same = price_methods(ctx)
    decision.changes = [*steps, *([price] if price else []), *weights, *methods]
    decision.robustness = _robustness(ctx, steps, tried, price, weights, methods, same)
    return decision
