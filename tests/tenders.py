"""Scored tenders and filled delivery returns, made the way a buyer and a supplier would: through the CLI,
the project's own template generators and fill helpers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from socialvalue.batch import Batch, score_folder
from socialvalue.cli import main
from socialvalue.contracts.fill import fill_return
from socialvalue.fill import fill_consensus, fill_response
from socialvalue.rubric import RubricSource

RUBRIC = "local-measures"


def cli(*args: str | Path, ok: Sequence[int] = (0,)) -> str:
    """Run a socialvalue command in-process; fail loudly when it exits with a code not in ``ok``."""
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code in ok, f"socialvalue {' '.join(map(str, args))} exited {result.exit_code}:\n{result.output}"
    return result.output


@dataclass
class Tender:
    results: Path
    bids: dict[str, Path]
    """Supplier key → bid file."""


def scored_tender(
    folder: Path,
    suppliers: Mapping[str, tuple[str, str, float, Mapping[str, float]]],
) -> Tender:
    """A tender on the built-in ``local-measures`` rubric, scored with a consensus: suppliers are
    key → (name, company number, price, commitments by measure code)."""
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / "response.xlsx"
    cli("template", "--rubric", RUBRIC, "-o", template)
    bids_dir = folder / "bids"
    bids: dict[str, Path] = {}
    for key, (name, company, price, commitments) in suppliers.items():
        bids[key] = fill_response(
            template, bids_dir / f"{key}.xlsx",
            supplier={"supplier_name": name, "company_number": company, "postcode": "L3 8EN", "bid_price": price, "is_sme": "Yes"},
            commitments=dict(commitments), evidence={code: f"{name}: quarterly evidence pack" for code in commitments},
            answers={"Q1": "Staffing and quality assurance as specified.", "Q2": "Mobilisation in three phases over 90 days."},
        )  # fmt: skip
    blank = folder / "consensus-blank.xlsx"
    cli("template", "--evaluation", bids_dir, "--rubric", RUBRIC, "-o", blank)
    scores = {(f"{key}.xlsx", q): (4, "Clear and credible.") for key in suppliers for q in ("Q1", "Q2")}
    consensus = fill_consensus(blank, folder / "consensus.xlsx", scores)
    results = folder / "results.json"
    cli("score", bids_dir, "--rubric", RUBRIC, "--evaluations", consensus, "-o", folder / "results.xlsx", "--json", results, "-q")  # fmt: skip
    return Tender(results, bids)


def filled_return(
    store: str,
    contract: str,
    period: str,
    target: Path,
    delivered: Mapping[str, object],
    references: Mapping[str, str] | None = None,
) -> Path:
    """The return template for ``contract`` and ``period`` from the store, filled in as a supplier would."""
    blank = target.with_name(f".blank-{target.name}")
    cli("returns", "template", contract, "--period", period, "-o", blank, "--overwrite", "--store", store)
    evidence = {code: f"Payroll extract and timesheets for {period}" for code in delivered}
    refs = references if references is not None else {code: f"{contract}/{period}/{code}" for code in delivered}
    fill_return(blank, target, dict(delivered), evidence, refs)  # type: ignore[arg-type]
    blank.unlink()
    return target


def three_bid_tender(rubric_id: str, folder: Path) -> tuple[Batch, RubricSource]:
    """A built-in rubric's tender made as a real one is: its template, three bids filled in (Alpha, Beta, Gamma,
    each committing a little more), the panel's consensus (Alpha best on every question), scored."""
    from socialvalue.bid import PanelScore
    from socialvalue.output.consensus import write_consensus_template
    from socialvalue.output.template import write_response_template
    from socialvalue.rubric import load_rubric

    source, problems = load_rubric(rubric_id)
    assert source is not None, problems
    r = source.rubric
    template = write_response_template(r, source.value_set, folder / "response.xlsx")
    bids = folder / "bids"
    for i, name in enumerate(("Alpha Ltd", "Beta Ltd", "Gamma CIC")):
        fill_response(
            template, bids / f"{name.split()[0].lower()}.xlsx",
            supplier={"supplier_name": name, "bid_price": 900_000 + 150_000 * i, "postcode": "L3 8EN"},
            commitments={m.code: (m.min or 0) + 3 + 2 * i for _, m in r.measures()},
            answers={q.code: f"Our plan for {q.code}, with dates and owners." for q in r.all_questions()},
            gates={g.code: "Yes" for g in r.all_gates()},
        )  # fmt: skip
    first = score_folder(bids, source)
    panel = [
        PanelScore(bid_id=b.bid_id, code=q.code, score=r.scale_for(q).scores[-1 - i], reason="agreed at moderation")
        for i, b in enumerate(first.bids)
        for q in r.all_questions()
    ]
    consensus = write_consensus_template(r, first.bids, folder / "consensus.xlsx", panel)
    return score_folder(bids, source, [consensus]), source
