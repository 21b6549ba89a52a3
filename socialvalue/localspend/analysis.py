"""The local-spend run: spend files, register and postcode directory in; tidy tables out.

Rows are read by the documented value rules (:mod:`.spend`; clean CSV files by DuckDB, :mod:`.fastcsv`); each
distinct supplier is placed once (:mod:`.classify`); the postcode directory is scanned once by DuckDB for just
the postcodes needed; and the rows are rolled up by DuckDB into the tables of
:class:`~.models.LocalSpendResult` (:mod:`.rollup`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialvalue.problems import Problem

from .classify import place_suppliers
from .directory import Directory, open_directory
from .employment import StaffOptions, read_staff
from .lm3 import Lm3Options, local_multiplier
from .models import Input, LocalSpendResult
from .places import ORGANISATION_UNMAPPED, LocalArea, Organisation, OrganisationMap
from .register import Register, read_register
from .rollup import Tables, roll_up
from .spend import Payments, read_payments
from .tables import file_sha256


@dataclass
class Options:
    """How to run: the local area, organisation map, column names, staff files, LM3 inputs."""

    local_area: LocalArea
    organisations: OrganisationMap | None = None
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Per input ('spend', 'register', 'postcodes', 'staff'): field → header as written."""
    staff: Sequence[Path] = ()
    staff_options: StaffOptions = field(default_factory=StaffOptions)
    lm3: Lm3Options = field(default_factory=Lm3Options)
    duckdb_csv: bool = True
    """Read clean CSV spend files with DuckDB (:mod:`.fastcsv`); False reads every file row by row."""


def analyse(
    spend_paths: Sequence[Path],
    register_path: Path,
    directory_path: Path,
    options: Options,
    problems: list[Problem],
    progress: Callable[[int], None] | None = None,
) -> LocalSpendResult | None:
    """Run the whole analysis; None (with problems) when the register or directory cannot be used at all."""
    import duckdb

    directory = open_directory(directory_path, problems, dict(options.columns.get("postcodes", {})))
    if directory is None:
        return None
    directory_sha = _Digest(directory_path)  # the directory is large: hashed beside the reading, not before it
    con = duckdb.connect(config={"threads": 2})
    try:
        fast = con if options.duckdb_csv else None
        payments = read_payments(spend_paths, problems, options.columns.get("spend", {}), progress, fast)
        register = read_register(register_path, problems, options.columns.get("register", {}))
        staff = read_staff(
            options.staff, problems, options.staff_options, options.organisations, options.columns.get("staff", {})
        )
        located = directory.lookup(con, register.postcodes() | staff.postcodes())
        placed = place_suppliers(payments.suppliers, register, located, options.local_area)
        orgs, unmapped = _organisations(payments, options.organisations)
        tables = roll_up(con, payments, placed, orgs)
        districts = directory.districts(con, staff.districts()) if staff.by_district else {}
    finally:
        con.close()
    _report_unmapped(payments, unmapped, tables, problems)
    employment, employment_note = staff.count(located, districts, options.local_area)
    lm3 = local_multiplier(
        tables.spend, tables.local_payments, staff, located, options.local_area, options.lm3, problems, districts
    )
    inputs = [Input(role="spend", file=s.name, sha256=s.sha256) for s in payments.sources]
    inputs.append(Input(role="supplier register", file=register.file, sha256=register.sha256))
    inputs.append(Input(role="postcode directory", file=directory.name, sha256=directory_sha.hexdigest()))
    inputs += [Input(role="staff", file=f.name, sha256=sha) for f, sha in staff.files]
    mapping = options.organisations
    if mapping is not None and mapping.file:
        inputs.append(Input(role="organisation map", file=mapping.file, sha256=mapping.sha256))
    if options.lm3.survey is not None:
        inputs.append(Input(role="LM3 survey", file=options.lm3.survey.name, sha256=file_sha256(options.lm3.survey)))
    return LocalSpendResult(
        local_area=dict(options.local_area.codes),
        local_area_label=options.local_area.label,
        inputs=inputs,
        spend=tables.spend,
        landing=tables.landing,
        suppliers=tables.suppliers,
        local_payments=tables.local_payments,
        set_aside=tables.set_aside,
        unmatched=tables.unmatched,
        lm3=lm3,
        employment=employment,
        employment_note=employment_note,
        suppression_threshold=options.staff_options.suppress_under,
        problems=problems,
        notes=_notes(directory, register, payments),
        rows_read=len(payments),
        footprint=mapping.footprint if mapping is not None else "",
        settings=_settings(options),
    )


def _settings(options: Options) -> dict[str, Any]:
    """Everything besides the input files that decides the figures, as JSON-ready values."""
    mapping = options.organisations
    return {
        "local_area": sorted(options.local_area.codes),
        "footprint": mapping.footprint if mapping is not None else "",
        "footprint_sha256": mapping.footprint_sha256 if mapping is not None else "",
        "columns": {k: dict(v) for k, v in sorted(options.columns.items())},
        "suppress_under": options.staff_options.suppress_under,
        "pay_per_fte": options.staff_options.pay_per_fte,
        "respend_suppliers": options.lm3.respend_suppliers,
        "respend_staff": options.lm3.respend_staff,
    }


class _Digest:
    """A file's SHA-256 worked out in a thread of its own (hashlib lets go of the interpreter while it hashes)."""

    def __init__(self, path: Path) -> None:
        self._found = ""
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            self._found = file_sha256(path)
        except OSError:
            self._found = ""  # the directory was readable a moment ago; DuckDB says what went wrong

    def hexdigest(self) -> str:
        self._thread.join()
        return self._found


def _notes(directory: Directory, register: Register, payments: Payments) -> list[str]:
    fast = [s.name for s in payments.sources if s.read_by == "duckdb"]
    notes = [
        f"Suppliers were matched to the register ({register.file}, {register.rows:,} suppliers) by name, ignoring case, "
        "punctuation, accents and Ltd/Limited/plc (or by supplier id where both files have one).",
        f"Postcodes were looked up in {directory.name}, compared without spaces and in capitals.",
        "A supplier is local when the postcode where it trades or delivers is in a local district; a supplier known "
        "only by its head office postcode is not placed.",
        "Credits (amounts below zero) are shown apart and not netted into the payments.",
    ]
    if fast:
        notes.append(
            f"{len(fast)} of the {len(payments.sources)} spend files ({', '.join(fast[:3])}{', …' if len(fast) > 3 else ''}) "
            "were clean CSV files, read by DuckDB by the same rules (their amounts' shapes converted in the database, "
            "everything else by the rules once per distinct value); the others were read row by row."
        )
    if not directory.has_termination:
        notes.append("The postcode directory has no termination dates: terminated postcodes were used as they are.")
    return notes


def _organisations(payments: Payments, mapping: OrganisationMap | None) -> tuple[list[Organisation], list[int]]:
    """The organisation each spend-file name stands for, and the indices of names the map does not know."""
    out, unmapped = [], []
    names: dict[str, str] = {}
    for i, name in enumerate(payments.orgs):
        found = mapping.resolve(name) if mapping is not None else None
        if found is None:
            found = Organisation(name, name, "", name)
            if mapping is not None:
                unmapped.append(i)
        names.setdefault(found.code, found.name)
        out.append(Organisation(found.code, names[found.code], found.place, found.paid_by or found.code))
    return out, unmapped


def _report_unmapped(payments: Payments, unmapped: Sequence[int], tables: Tables, problems: list[Problem]) -> None:
    """An organisation name the map (or footprint) does not know is a problem, once per name, with its rows and £."""
    for i in unmapped:
        name = payments.orgs[i]
        problems.append(
            ORGANISATION_UNMAPPED(
                raw=name, name=name or "(blank)", rows=int(tables.rows_by_org[i]), amount=float(tables.paid_by_org[i])
            )
        )
