"""The ONS Postcode Directory (ONSPD or NSPL, a user-supplied CSV or Parquet extract), read by DuckDB.

Only the postcodes asked about are kept: one scan of the directory, joined in DuckDB to the wanted keys, so a
full 2.7-million-row directory costs a scan, not memory. Postcodes are compared without spaces, in capitals:
the ONS 7-character form ``W3  7QP``, ``W3 7QP`` and ``w37qp`` are one postcode.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from socialvalue.encoding import detect_encoding
from socialvalue.problems import Problem, Severity, define

from .tables import Field, find_columns, header_key

if TYPE_CHECKING:
    import duckdb

DIRECTORY_FIELDS = (
    Field("postcode", ("pcd", "pcd7", "pcds", "pcd8", "pcd2", "postcode", "postcode 7", "postcode 8"), required=True, describe="the postcode"),
    Field(
        "lad",
        (
            "oslaua", "laua", "lad", "ladcd", "lad25cd", "lad24cd", "lad23cd", "lad22cd", "lad21cd", "lad20cd",
            "local authority district code", "local authority code",
        ),
        required=True,
        describe="the local authority district code",
    ),
    Field("terminated", ("doterm", "date of termination", "terminated")),
)  # fmt: skip

DIRECTORY_UNUSABLE = define("directory-unusable", Severity.ERROR, "{what}")
DIRECTORY_NO_TERM = define(
    "directory-no-termination",
    Severity.INFO,
    "the postcode directory has no termination date column (doterm): terminated postcodes cannot be told from "
    "live ones, and are used as they are",
)

PSEUDO_LAD = re.compile(r"[A-Z]99999999")
"""ONS pseudo codes: a postcode in the Channel Islands (L99999999), the Isle of Man (M99999999) or with no district."""


def postcode_key(postcode: str) -> str:
    """A postcode as the directory is joined on: capitals, no spaces."""
    return "".join(postcode.upper().split())


@dataclass(frozen=True)
class Located:
    """What the directory says of one postcode."""

    lad: str
    """The local authority district's GSS code; '' when the directory gives none or only a pseudo code."""
    terminated: str
    """The termination date as the directory writes it (``202106``), '' for a live postcode."""
    pseudo: str = ""
    """The pseudo code or blank the directory gave instead of a district, when it gave no district."""


@dataclass
class Directory:
    """A postcode directory file and where its columns are."""

    path: Path
    name: str
    columns: dict[str, str]
    """Field name → the column's header as written."""
    parquet: bool = False
    _alias: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    @property
    def has_termination(self) -> bool:
        return "terminated" in self.columns

    def _relation(self) -> str:
        quoted = str(duckdb_path(self.path, self)).replace("'", "''")
        if self.parquet:
            return f"read_parquet('{quoted}')"
        return f"read_csv('{quoted}', header = true, all_varchar = true, quote = '\"', escape = '\"')"

    def _select(self) -> str:
        pc = _ident(self.columns["postcode"])
        lad = _ident(self.columns["lad"])
        term = f"coalesce(trim({_ident(self.columns['terminated'])}), '')" if self.has_termination else "''"
        return (
            f"SELECT replace(upper({pc}), ' ', '') AS key, coalesce(trim({lad}), '') AS lad, {term} AS term "
            f"FROM {self._relation()}"
        )

    def lookup(self, con: duckdb.DuckDBPyConnection, postcodes: Iterable[str]) -> dict[str, Located]:
        """What the directory says of each postcode asked about (keys as :func:`postcode_key`); absent = not found."""
        if not _wanted(con, "wanted", "key", postcodes):
            return {}
        rows = con.execute(
            f"SELECT w.key, min(d.lad), max(d.term) FROM wanted w JOIN ({self._select()}) d USING (key) GROUP BY w.key"
        ).fetchall()
        out: dict[str, Located] = {}
        for key, lad, term in rows:
            if not lad or PSEUDO_LAD.fullmatch(lad):
                out[key] = Located("", term or "", lad or "(blank)")
            else:
                out[key] = Located(lad, term or "")
        return out

    def districts(self, con: duckdb.DuckDBPyConnection, wanted: Iterable[str]) -> dict[str, dict[str, int]]:
        """Postcode district (``L3``) → {district code: live postcodes} for the districts asked about."""
        if not _wanted(con, "wanted_d", "district", wanted):
            return {}
        rows = con.execute(
            f"SELECT district, lad, count(*) FROM (SELECT left(key, length(key) - 3) AS district, lad, term "
            f"FROM ({self._select()})) d JOIN wanted_d USING (district) WHERE term = '' GROUP BY district, lad"
        ).fetchall()
        out: dict[str, dict[str, int]] = {}
        for district, lad, count in rows:
            out.setdefault(district, {})[lad if lad and not PSEUDO_LAD.fullmatch(lad) else ""] = int(count)
        return out


GLOB = re.compile(r"[*?\[\]{}]")
"""Characters DuckDB reads in a file name as a pattern: ``ONSPD[1].csv`` would read ``ONSPD1.csv``."""


def duckdb_path(path: Path, holder: Directory | None = None) -> Path:
    """A name DuckDB reads as this one file: the path itself, or (when its name has pattern characters) a link to
    it with a plain name, in a temporary folder that lives as long as ``holder``."""
    if not GLOB.search(str(path)):
        return path
    if holder is None:
        raise ValueError(f"{path} has pattern characters: give a holder for the link")
    if holder._alias is None:
        holder._alias = tempfile.TemporaryDirectory(prefix="socialvalue-")
        os.symlink(path.resolve(), Path(holder._alias.name) / f"directory{path.suffix.lower()}")
    return Path(holder._alias.name) / f"directory{path.suffix.lower()}"


def _wanted(con: duckdb.DuckDBPyConnection, table: str, column: str, values: Iterable[str]) -> int:
    """A temporary table of the distinct keys asked about (as :func:`postcode_key`); how many there are."""
    keys = sorted({postcode_key(v) for v in values})
    if keys:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT unnest($keys::VARCHAR[]) AS {column}", {"keys": keys}
        )
    return len(keys)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def open_directory(path: Path, problems: list[Problem], mapping: dict[str, str] | None = None) -> Directory | None:
    """Find the directory's postcode, district and termination columns from its header; None (with a problem) if it cannot be used."""
    name = path.name
    parquet = path.suffix.lower() == ".parquet"
    directory = Directory(path, name, {}, parquet)
    if GLOB.search(str(path)):
        try:
            duckdb_path(path, directory)
        except OSError as exc:
            why = f"DuckDB reads [ ] * ? {{ }} in a file name as a pattern, and no link with a plain name could be made ({exc.strerror})"  # fmt: skip
            problems.append(DIRECTORY_UNUSABLE(file=name, what=f"{why}: rename the postcode directory without them"))
            return None
    try:
        if parquet:
            import duckdb

            quoted = str(duckdb_path(path, directory)).replace("'", "''")
            header = [d[0] for d in duckdb.execute(f"SELECT * FROM read_parquet('{quoted}') LIMIT 0").description]
        else:
            found = detect_encoding(path, name, option=None)[0] if path.stat().st_size < 1 << 20 else None
            with path.open(encoding=found.encoding if found else "utf-8-sig", errors="replace", newline="") as fh:
                header = next(csv.reader(fh), [])
    except OSError as exc:
        problems.append(
            DIRECTORY_UNUSABLE(file=name, what=f"the postcode directory could not be read ({exc.strerror})")
        )
        return None
    except Exception as exc:  # duckdb raises its own error types for a damaged Parquet file
        problems.append(DIRECTORY_UNUSABLE(file=name, what=f"the postcode directory could not be read ({exc})"))
        return None
    header = [h.lstrip("\ufeff") for h in header]
    cols, missing = find_columns(header, DIRECTORY_FIELDS, mapping or {})
    if missing:
        wanted = "; ".join(f"{f.describe} ({', '.join(f.headers[:4])})" for f in DIRECTORY_FIELDS if f.name in missing)
        problems.append(
            DIRECTORY_UNUSABLE(
                file=name,
                what=f"the postcode directory has no column for {wanted}: its header is "
                f"{', '.join(header[:12])}{'…' if len(header) > 12 else ''}",
            )
        )
        return None
    directory.columns = {k: header[v] for k, v in cols.items()}
    if not directory.has_termination:
        problems.append(DIRECTORY_NO_TERM(file=name))
    return directory


__all__ = ["DIRECTORY_FIELDS", "PSEUDO_LAD", "Directory", "Located", "header_key", "open_directory", "postcode_key"]
