"""Store fixtures: every store test runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from ``SOCIALVALUE_TEST_POSTGRES`` (a server URL; `.ci/run` starts a throwaway
cluster with `.ci/postgres start`). Each test gets a database of its own, dropped afterwards. Outside
CI a missing server skips the PostgreSQL half with the reason; in CI (``CI=true``) it fails.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

PG_ENV = "SOCIALVALUE_TEST_POSTGRES"


def postgres_admin_url() -> str:
    """The server's URL, or skip (fail in CI) saying how to get one."""
    url = os.environ.get(PG_ENV, "")
    if not url:
        why = f'{PG_ENV} is not set: start a throwaway PostgreSQL with eval "$(.ci/postgres start)" to run these tests'
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    return url


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    admin = sa.engine.make_url(postgres_admin_url()).set(drivername="postgresql+psycopg")
    name = f"sv_test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    with postgres_database() as url:
        yield url


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'store.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store's URL: SQLite in the test's folder, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    url: str = request.getfixturevalue("postgres_url")
    return url


def assert_summary_current(url: str) -> None:
    """``kpi_summary`` holds exactly the totals of ``kpi_period``, worked out here in Python from the fact rows."""
    from collections import defaultdict

    from socialvalue.store import open_store
    from socialvalue.store import schema as S

    store = open_store(url)
    grade_prefix = {"verified": "verified", "documented": "documented", "self-reported": "self_reported"}
    expected: dict[tuple[object, ...], dict[str, float | None]] = defaultdict(dict)

    def add(sums: dict[str, float | None], column: str, value: float | None) -> None:
        if value is not None:
            sums[column] = (sums.get(column) or 0.0) + value
        else:
            sums.setdefault(column, None)

    with store.read() as conn:
        for f in conn.execute(sa.select(S.kpi_period)):
            key = (f.footprint_id, f.organisation_id, f.theme_id, f.measure_id, f.period, f.period_index, f.unit_value_gbp is not None)  # fmt: skip
            sums = expected[key]
            sums["kpi_periods"] = (sums.get("kpi_periods") or 0) + 1
            for column in ("committed_quantity", "delivered_quantity", "committed_gross_gbp", "committed_net_gbp",
                           "delivered_gross_gbp", "delivered_net_gbp"):  # fmt: skip
                add(sums, column, getattr(f, column))
            for prefix in (*grade_prefix.values(), "ungraded"):
                mine = (
                    f.delivered_quantity is not None and grade_prefix.get(f.evidence_grade or "", "ungraded") == prefix
                )
                sums[f"{prefix}_lines"] = (sums.get(f"{prefix}_lines") or 0) + (1 if mine else 0)
                add(sums, f"{prefix}_gross_gbp", f.delivered_gross_gbp if mine else None)
        got: dict[tuple[object, ...], Any] = {
            (r.footprint_id, r.organisation_id, r.theme_id, r.measure_id, r.period, r.period_index, bool(r.priced)): r
            for r in conn.execute(sa.select(S.kpi_summary))
        }
    assert set(got) == set(expected)
    for group, sums in expected.items():
        for column, value in sums.items():
            stored = getattr(got[group], column)
            same = stored is None if value is None else stored == pytest.approx(value)
            assert same, (group, column, stored, value)
