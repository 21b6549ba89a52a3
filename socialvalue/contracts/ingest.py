"""Ingest a folder of returned delivery returns: each file read, checked, and recorded whole or rejected whole."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from socialvalue.batch import list_bid_files
from socialvalue.problems import Problem, Severity
from socialvalue.store.engine import Store
from socialvalue.store.returns import Outcome, record_return, return_spec

from .models import ReturnReading, ReturnSpec
from .return_reader import read_return


@dataclass
class Ingested:
    """One file: what was read and (when accepted) what recording it did."""

    reading: ReturnReading
    outcome: Outcome | None = None

    @property
    def rejected(self) -> bool:
        return self.outcome is None

    def describe(self) -> tuple[str, str]:
        """(what happened: ``rejected``, ``already``, ``unchanged``, ``superseded`` or ``recorded``; a line saying so)."""
        r, o = self.reading, self.outcome
        where = f"{r.file} ({f'{r.contract} {r.period}'.strip() or '?'})"
        if o is None:
            return "rejected", f"{where}: {sum(p.severity is Severity.ERROR for p in r.problems)} error(s)"
        if o.status == "duplicate":
            return "already", f"{where}: this file is already recorded; nothing changed"
        if o.status == "unchanged":
            return "unchanged", f"{where}: same figures as {o.earlier_file}; nothing changed"
        if o.status == "superseded":
            return "superseded", f"{where} replaces {o.earlier_file}: {'; '.join(o.changes)}"
        return "recorded", where


@dataclass
class IngestReport:
    files: list[Ingested] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def rejected(self) -> list[Ingested]:
        return [f for f in self.files if f.rejected]

    @property
    def problems(self) -> list[Problem]:
        return [*self.notes, *(p for f in self.files for p in f.reading.problems)]

    @property
    def has_errors(self) -> bool:
        return bool(self.rejected) or any(p.severity is Severity.ERROR for p in self.notes)

    @property
    def recorded(self) -> int:
        """Files that changed the store (recorded, or superseding an earlier return)."""
        return sum(1 for f in self.files if f.outcome is not None and f.outcome.changed_store)


def return_files(folder: Path) -> list[Path]:
    """The files :func:`ingest_folder` reads from ``folder``, in that order."""
    return list_bid_files(folder)[0]


def ingest_file(store: Store, path: Path) -> Ingested:
    """Read one return and, when it has no error, record it (one transaction)."""
    cache: dict[tuple[str, str], tuple[ReturnSpec | None, list[Problem]]] = {}

    def lookup(contract: str, period: str) -> tuple[ReturnSpec | None, list[Problem]]:
        if (contract, period) not in cache:
            cache[contract, period] = return_spec(store, contract, period)
        return cache[contract, period]

    reading = read_return(path, lookup)
    if not reading.accepted:
        return Ingested(reading)
    return Ingested(reading, record_return(store, reading))


def ingest_folder(store: Store, folder: Path, progress: Callable[[int], None] | None = None) -> IngestReport:
    """Every file in ``folder``, in name order; one file's problems never stop the others."""
    files, notes = list_bid_files(folder)
    report = IngestReport(notes=notes)
    for path in files:
        report.files.append(ingest_file(store, path))
        if progress:
            progress(1)
    return report
