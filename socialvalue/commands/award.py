"""``socialvalue award``: the winning bid's commitments become the contract's KPIs, phased by quarter."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from socialvalue.terminal import say

from ._common import fail
from ._store import list_problems, open_or_fail, store_option


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
@click.option("--manager", default="", metavar="NAME", help="The contract manager (shown on the reports; change it later with `socialvalue contract set`).")  # fmt: skip
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
    manager: str,
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
    from socialvalue.contracts.award import prepare_award
    from socialvalue.store.contracts import record_award

    plan, problems = prepare_award(
        results_json, bid_file, rubric=rubric_name, profile=profile, contract=contract, organisation=organisation,
        start=start.date(), end=end.date(), title=title, not_first=not_first, manager=manager,
    )  # fmt: skip
    if plan is None:
        fail(problems, f"contract {contract} was not recorded")
    store = open_or_fail(store_url)
    recorded, store_problems = record_award(store, plan)
    if recorded is None:
        fail(store_problems, f"contract {contract} was not recorded")
    list_problems([*problems, *store_problems])
    if not recorded.created:
        say(f"Contract {contract} was already recorded from this bid: nothing changed")
        return
    say(
        f"Recorded contract {contract}: {plan.supplier.name} for {organisation}, {plan.periods[0]} to {plan.periods[-1]} "
        f"({len(plan.periods)} quarters), {recorded.kpis} KPI(s) phased {plan.phasing}ly into {recorded.rows} quarter rows; "
        f"store {store.label}"
    )
    for k in plan.kpis:
        gross = k.committed_gross_gbp
        value = f"£{gross:,.0f} gross" if gross is not None else "count only"
        say(f"  {k.code:8} {k.committed_quantity:>12,g} {k.unit:10} {value}")
