"""Errors (one row per problem) and Audit (what produced these results)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from socialvalue import __version__
from socialvalue.problems import Problem
from socialvalue.scoring.results import TenderResult

from ..safe import clean_text
from ..sheets import fit_height, put, write_string
from .layout import AUDIT, ERRORS, HEADER_ROW, Col, Context, header, titled


@dataclass
class AuditInfo:
    """Provenance for the Audit sheet."""

    rubric_file: str = ""
    inputs: list[tuple[str, str, str]] = field(default_factory=list)  # (file, sha256, outcome)
    evaluations: list[tuple[str, str]] = field(default_factory=list)  # (file, sha256)
    command: str = ""
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


def write_errors(ctx: Context, problems: Sequence[Problem]) -> None:
    cols = [
        Col("file", "File", 24), Col("sheet", "Sheet", 16), Col("cell", "Cell", 8),
        Col("severity", "Severity", 9), Col("code", "Problem", 20), Col("raw", "Value found", 20),
        Col("reason", "What is wrong, and what to do", 70),
    ]  # fmt: skip
    ws = ctx.sheets[ERRORS]
    note = f"{len(problems)} problem(s) found" if problems else "No problems found: every input was read in full"
    c = header(ws, cols, "Errors and warnings: one row per problem", [note], ctx.f)
    for i, p in enumerate(problems):
        row = HEADER_ROW + 1 + i
        line_or_cell = p.cell or (f"line {p.line}" if p.line else "")
        values = {"file": p.file, "sheet": p.sheet, "cell": line_or_cell, "severity": p.severity.value,
                  "code": p.code, "raw": p.raw, "reason": p.reason}  # fmt: skip
        for key, value in values.items():
            put(ws, row, c[key], value, ctx.f.wrap if key == "reason" else None)
        fit_height(ws, row, p.reason, cols[c["reason"]].width)
    if problems:
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + len(problems), len(cols) - 1)


def write_audit(ctx: Context, res: TenderResult, info: AuditInfo) -> None:
    f, r = ctx.f, ctx.rubric
    ws = ctx.sheets[AUDIT]
    titled(ws, (30, 70, 16), "Audit: what produced these results", f)
    vs = ctx.value_set
    facts: list[tuple[str, str]] = [
        ("Tool", f"socialvalue {__version__}"),
        ("Created (UTC)", info.created),
        ("Command", info.command),
        ("Rubric id", r.id),
        ("Rubric version", r.version),
        ("Rubric title", r.title),
        ("Rubric fingerprint (SHA-256)", r.fingerprint()),
        ("Rubric file", info.rubric_file),
        ("Policy", r.policy.value),
        ("Value set", res.value_set or "none"),
        ("Value set source", vs.source if vs else ""),
        ("Value set licence", vs.licence if vs else ""),
        ("Illustrative values", "YES: not for award decisions" if res.value_set_illustrative else "no"),
    ]
    for i, (k, v) in enumerate(facts):
        ws.write(2 + i, 0, k, f.bold)
        warn = k == "Illustrative values" and res.value_set_illustrative
        write_string(ws, 2 + i, 1, clean_text(v), f.warn if warn else f.text)
    row = 3 + len(facts)
    for label, items in (
        ("Panel score files", [(name, digest, "read") for name, digest in info.evaluations]),
        ("Input files (every file in the bids folder)", info.inputs),
    ):
        ws.write(row, 0, label, f.bold)
        row += 1
        for i, h in enumerate(("File", "SHA-256", "Outcome")):
            ws.write(row, i, h, f.header)
        row += 1
        for name, digest, outcome in items:
            put(ws, row, 0, name)
            put(ws, row, 1, digest)
            put(ws, row, 2, outcome)
            row += 1
        row += 1
