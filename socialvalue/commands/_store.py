"""What the store-backed commands share: the ``--store`` option, opening the store, listing problems."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from socialvalue.problems import Problem
    from socialvalue.store import Store

F = TypeVar("F", bound=Callable[..., Any])

STORE_HELP = (
    "The store: an SQLite file path or a database URL such as postgresql://user@host/db "
    "[env SOCIALVALUE_STORE; default: socialvalue.db in the working folder]."
)


def store_option(func: F) -> F:
    return click.option("--store", "store_url", envvar="SOCIALVALUE_STORE", metavar="URL", help=STORE_HELP)(func)


def open_or_fail(url: str | None, create: bool = True) -> Store:
    """Open the store, or stop with a usage error (exit 2) saying why."""
    from socialvalue.store import StoreError, open_store

    try:
        store = open_store(url, create=create)
    except StoreError as exc:
        raise click.UsageError(str(exc)) from exc
    if store.upgraded_from:
        click.secho(f"The store {store.label} was upgraded from schema {store.upgraded_from}.", fg="yellow", err=True)
    return store


def echo_problems(problems: Sequence[Problem], indent: str = "  ") -> None:
    """Every problem, one a line, coloured by severity (information notes left out)."""
    from socialvalue.problems import Severity

    for p in problems:
        if p.severity is Severity.INFO:
            continue
        colour = "red" if p.severity is Severity.ERROR else "yellow"
        click.secho(f"{indent}{p.severity.value:7} {p}", fg=colour, err=True)


def fail(problems: Sequence[Problem], what: str) -> NoReturn:
    """Stop with a usage error (exit 2, nothing written), every problem listed."""
    click.secho(f"{what}:", fg="red", err=True)
    echo_problems(problems)
    raise click.UsageError(f"{what} ({len(problems)} problem(s) above)")
