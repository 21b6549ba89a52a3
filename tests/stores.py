"""Store fixtures: every store test runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from ``SOCIALVALUE_TEST_POSTGRES`` (a server URL; `.ci/run` starts a throwaway
cluster with `.ci/postgres start`). Each test gets a database of its own, dropped afterwards. Outside
CI a missing server skips the PostgreSQL half with the reason; in CI (``CI=true``) it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
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


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'store.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store's URL: SQLite in the test's folder, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    url: str = request.getfixturevalue("postgres_url")
    return url
