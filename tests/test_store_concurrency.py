"""Two people ingesting at once lose nothing; a process killed mid-ingest leaves the store as it was.

Both run real `socialvalue returns ingest` processes against the same store, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from socialvalue.example import ExampleTender
from socialvalue.store import open_store
from socialvalue.store import schema as S
from tests.stores import assert_summary_current
from tests.tenders import cli, filled_return
from tests.test_store import KPIS, SECOND, WINNER, _award, awarded, results, snapshot


def _ingest(folder: Path, url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "socialvalue.cli", "returns", "ingest", str(folder), "--store", url],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def test_two_people_ingesting_at_once_lose_nothing(
    awarded: str,
    results: Path,
    example_tender: ExampleTender,
    tmp_path: Path,
) -> None:
    _award(awarded, results, example_tender.bids_dir, "C-2", SECOND, "RBL", "--not-first")
    _award(awarded, results, example_tender.bids_dir, "C-3", WINNER, "REM")
    shared, a, b = tmp_path / "shared", tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    expected: Counter[tuple[str, str]] = Counter()
    for contract in ("C-1", "C-2", "C-3"):
        for i, period in enumerate(("2026Q2", "2026Q3", "2026Q4")):
            name = f"{contract}-{period}.xlsx"
            filled_return(awarded, contract, period, shared / name, {k: v + i for k, v in KPIS.items()})
            shutil.copy(shared / name, a / name)
            shutil.copy(shared / name, b / name)
            expected[contract, period] += 1
            if i != 1:  # a corrected version, only in b
                filled_return(
                    awarded, contract, period, b / f"{contract}-{period}-corrected.xlsx", {**KPIS, "LE01": 9 + i}
                )
                expected[contract, period] += 1
    derived = ("return_submission", "return_line", "kpi_period", "kpi_summary")  # the summary totals kpi_period
    before = {name: rows for name, rows in snapshot(awarded).items() if name not in derived}

    first, second = _ingest(a, awarded), _ingest(b, awarded)
    outputs = [p.communicate(timeout=300)[0] for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs

    with open_store(awarded).read() as conn:
        sub = S.return_submission
        rows = conn.execute(sa.select(S.contract.c.code, sub.c.period, sub.c.sha256, sub.c.status, sub.c.id).join(S.contract, S.contract.c.id == sub.c.contract_id)).all()  # fmt: skip
        current = {(r.code, r.period): r.id for r in rows if r.status == "current"}
        lines = {
            (r.submission_id, r.kpi_id): r.delivered_quantity
            for r in conn.execute(sa.select(S.return_line.c.submission_id, S.return_line.c.kpi_id, S.return_line.c.delivered_quantity))
        }  # fmt: skip
        facts = conn.execute(sa.select(S.kpi_period.c.kpi_id, S.kpi_period.c.return_id, S.kpi_period.c.delivered_quantity).where(S.kpi_period.c.return_id.is_not(None))).all()  # fmt: skip
    # every distinct file recorded exactly once, the same file never twice
    assert Counter((r.code, r.period) for r in rows) == expected
    assert len({r.sha256 for r in rows}) == len(rows)
    assert len(current) == len(expected)  # one current return per contract and quarter
    # what the reports read is what the current return says, KPI by KPI
    assert len(facts) == len(expected) * len(KPIS)
    assert all(f.return_id in current.values() and lines[f.return_id, f.kpi_id] == f.delivered_quantity for f in facts)
    assert {k: v for k, v in snapshot(awarded).items() if k in before} == before
    assert_summary_current(awarded)
    summary = "".join(outputs)
    assert summary.count("rejected    ") == 0 and summary.count("already     ") == 9


def _wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[str]) -> None:
    """Until ``condition`` holds, while the ingest is still running: it cannot finish while the test holds what
    it needs, so its ending first means the test went wrong (asserted on what happened, never on a clock)."""
    while not condition():
        assert process.poll() is None, f"the ingest ended (exit {process.returncode}) before {what}"
        time.sleep(0.05)


def test_a_process_killed_mid_ingest_leaves_the_store_as_it_was(awarded: str, tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    filled_return(awarded, "C-1", "2026Q2", inbox / "return.xlsx", KPIS)
    before = snapshot(awarded)
    url = sa.engine.make_url(awarded)
    if url.get_backend_name() == "sqlite":
        # A reader holding its shared lock stops the writer at COMMIT (it needs the file to itself): by then
        # its changes are in the rollback journal and nowhere else.
        path = Path(url.database or "")
        journal = path.with_name(path.name + "-journal")
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM kpi_period").fetchone()
        process = _ingest(inbox, awarded)
        _wait_for(lambda: journal.exists() and journal.stat().st_size > 0, "it started writing", process)
        time.sleep(0.5)  # well into its transaction (it cannot commit while the reader holds on)
        assert process.poll() is None
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        reader.execute("ROLLBACK")
        reader.close()
    else:
        # Another session holds the quarter's rows: the ingest has recorded the submission and its lines
        # and waits to update them when it is killed.
        engine = sa.create_engine(awarded, poolclass=sa.pool.NullPool)
        holder = engine.connect()
        holder.begin()
        holder.execute(sa.select(S.kpi_period.c.id).where(S.kpi_period.c.period == "2026Q2").with_for_update()).all()
        process = _ingest(inbox, awarded)

        def waiting() -> bool:
            with engine.connect() as conn:
                return bool(conn.execute(sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )).scalar_one())  # fmt: skip

        _wait_for(waiting, "it waited for the held rows", process)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        holder.rollback()
        holder.close()
        engine.dispose()
        # the killed session's transaction is rolled back when the server sees it gone: the snapshot reads only
        # what was committed, and the ingest below waits on its row locks until then
    assert process.returncode == -signal.SIGKILL
    assert snapshot(awarded) == before
    out = cli("returns", "ingest", inbox, "--store", awarded)  # the store is sound: the same file records now
    assert "1 return(s) recorded" in out


__all__ = ["awarded", "results"]  # the store fixtures this module shares with test_store
