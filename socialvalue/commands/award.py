"""``socialvalue award``: the winning bid's commitments become the contract's KPIs, phased by quarter."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from ._store import echo_problems, fail, open_or_fail, store_option


@click.command()
@click.argument("results_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bid", "bid_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The winning bid file, exactly as it was scored (its SHA-256 is checked against the results).")  # fmt: skip
@click.option("--contract", required=True, help="The contract's reference, e.g. C-2026-014 (unique in the store).")
@click.option("--org", "organisation", required=True, help="The buying organisation's code, e.g. RBQ or gss:E06000049.")
@click.option(
    "--start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day of the contract (YYYY-MM-DD)."
)
@click.option("--end", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Last day of the contract (YYYY-MM-DD).")
@click.option("--title", default="", help="What the contract is for.")
@click.option("--rubric", "rubric_name", help="The rubric the tender was scored with (default: the built-in one the results name).")  # fmt: skip
@click.option("--profile", help="Phasing weights per quarter, e.g. 1,2,2,1, or a CSV file (period,weight[,measure]); default: even.")  # fmt: skip
@click.option("--not-first", is_flag=True, help="Award to a ranked bid that did not rank first.")
@store_option
def award(
    results_json: Path,
    bid_file: Path,
    contract: str,
    organisation: str,
    start: datetime,
    end: datetime,
    title: str,
    rubric_name: str | None,
    profile: str | None,
    not_first: bool,
    store_url: str | None,
) -> None:
    """Record the award of a contract from `socialvalue score --json` RESULTS_JSON and the winning bid.

    Each commitment becomes a KPI: measure, unit, committed quantity, £ per unit with its value-set
    row, net factor, phased over the contract's quarters. The tender's audit trail (rubric fingerprint,
    results and bid SHA-256) is kept with the contract. Recording the same award twice changes nothing.
    """
    from socialvalue.contracts.award import plan_award, read_profile
    from socialvalue.output.scored import read_results_json, results_rubric
    from socialvalue.periods import quarters_between
    from socialvalue.store.contracts import record_award

    loaded, problems = read_results_json(results_json)
    if loaded is None:
        fail(problems, f"{results_json} cannot be used")
    source, problems = results_rubric(loaded, rubric_name)
    if source is None:
        fail(problems, f"the rubric for {results_json} cannot be used")
    weights = None
    if profile is not None:
        text = Path(profile).read_text(encoding="utf-8-sig") if Path(profile).is_file() else profile
        weights, problems = read_profile(text, quarters_between(start.date(), end.date()), profile)
        if weights is None:
            fail(problems, "the phasing profile cannot be used")
    plan, problems = plan_award(
        loaded, bid_file, source, contract=contract, organisation=organisation, start=start.date(), end=end.date(),
        title=title, profile=weights, not_first=not_first,
    )  # fmt: skip
    if plan is None:
        fail(problems, f"contract {contract} was not recorded")
    store = open_or_fail(store_url)
    recorded, store_problems = record_award(store, plan)
    if recorded is None:
        fail(store_problems, f"contract {contract} was not recorded")
    echo_problems([*problems, *store_problems])
    if not recorded.created:
        click.echo(f"Contract {contract} was already recorded from this bid: nothing changed")
        return
    click.echo(
        f"Recorded contract {contract}: {plan.supplier.name} for {organisation}, {plan.periods[0]} to {plan.periods[-1]} "
        f"({len(plan.periods)} quarters), {recorded.kpis} KPI(s) phased {plan.phasing}ly into {recorded.rows} quarter rows; "
        f"store {store.label}"
    )
    for k in plan.kpis:
        value = (
            f"£{k.committed_quantity * k.unit_value_gbp:,.0f} gross" if k.unit_value_gbp is not None else "count only"
        )
        click.echo(f"  {k.code:8} {k.committed_quantity:>12,g} {k.unit:10} {value}")
