"""What the store-backed commands share: the ``--store`` option, opening the store, listing problems."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from socialvalue.terminal import print_problems, say

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
        say(f"The store {store.label} was upgraded from schema {store.upgraded_from}.", err=True, fg="yellow")
    return store


def list_problems(problems: Sequence[Problem]) -> None:
    """Every error and warning, one a line on stderr: the store's commands write them nowhere else."""
    print_problems(problems, limit=None)
