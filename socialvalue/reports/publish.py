"""The reports as files, from the store: what each ``socialvalue report`` command makes, in one call.

Each function works out the figures in the database (:mod:`.queries`), lays them out (:mod:`.footprint`,
:mod:`.contract`, :mod:`.ocds`) and writes the files atomically. A footprint, contract or scope the store
does not hold raises :class:`LookupError` with a sentence to show; a file that cannot be written raises
:class:`~socialvalue.output.atomic.OutputError` (or :class:`~socialvalue.output.atomic.OutputRefused`,
e.g. more rows than one sheet holds), before anything is replaced.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from socialvalue.periods import Period
from socialvalue.store.engine import Store


class NothingToPublish(LookupError):
    """No contract in the store matches what was asked for."""


def footprint_report_files(
    store: Store, footprint: str | None, first: Period, last: Period, as_of: dt.date,
    xlsx: Path | None, html: Path | None, with_rows: bool = True,
) -> list[Path]:  # fmt: skip
    """The footprint report for quarters ``first`` to ``last``, status on ``as_of`` (``footprint``: its
    code; None for the store's only footprint)."""
    from socialvalue.output.reportkit import write_report

    from .footprint import footprint_report
    from .queries import footprint_figures

    figures = footprint_figures(store, footprint, first, last, as_of, with_rows=with_rows)
    return write_report(footprint_report(figures), xlsx, html)


def contract_report_files(store: Store, contract: str, as_of: dt.date, xlsx: Path | None, html: Path | None) -> list[Path]:  # fmt: skip
    """One contract's report for its review meeting, status on ``as_of``."""
    from socialvalue.output.reportkit import write_report

    from .contract import contract_report
    from .queries import contract_figures

    return write_report(contract_report(contract_figures(store, contract, as_of)), xlsx, html)


def ocds_file(
    store: Store, output: Path, ocid_prefix: str, publisher: str, footprint: str | None = None, contract: str | None = None
) -> int:  # fmt: skip
    """An OCDS release package of every contract in scope written to ``output``; how many releases."""
    from socialvalue.output.atomic import atomic_path

    from .ocds import release_package
    from .queries import ocds_contracts

    contracts = list(ocds_contracts(store, footprint, contract))
    if not contracts:
        raise NothingToPublish("no contract in the store matches: nothing to publish")
    package = release_package(contracts, ocid_prefix, publisher)
    with atomic_path(output) as tmp:
        tmp.write_text(json.dumps(package, indent=1, ensure_ascii=False), encoding="utf-8")
    return len(contracts)
