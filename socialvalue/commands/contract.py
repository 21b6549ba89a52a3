"""``socialvalue contract``: what is recorded about an awarded contract beyond its KPIs (its manager)."""

from __future__ import annotations

import click

from socialvalue.terminal import say

from ._common import fail
from ._store import open_or_fail, store_option


@click.group()
def contract() -> None:
    """Awarded contracts: who manages each one.

    \b
      socialvalue contract set C-2026-014 --manager "A. Shah"    the contract manager, shown on the reports

    Contracts are recorded by `socialvalue award`; their returns are handled by `socialvalue returns`.
    """


@contract.command("set")
@click.argument("code", metavar="CONTRACT")
@click.option("--manager", required=True, metavar="NAME", help="The contract manager ('' to clear it).")
@store_option
def contract_set(code: str, manager: str, store_url: str | None) -> None:
    """Set CONTRACT's manager: who reviews its returns and grades their evidence (shown on the reports)."""
    from socialvalue.store.contracts import set_manager

    store = open_or_fail(store_url, create=False)
    before, problems = set_manager(store, code, manager)
    if before is None:
        fail(problems, f"contract {code} was not changed")
    now = manager.strip() or "none recorded"
    say(f"{code}: contract manager {now}" + (f" (was {before})" if before and before != manager.strip() else ""))
