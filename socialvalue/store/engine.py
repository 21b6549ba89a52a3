"""Opening the store: an SQLite file by default, PostgreSQL by URL; its schema kept at the newest migration.

Only this module knows which database it is. Writes go through :meth:`Store.write`, one transaction
each: on SQLite it takes the write lock at the start (``BEGIN IMMEDIATE``), so two writers queue
instead of failing half-way; callers lock the rows they change on PostgreSQL (``with_for_update``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

ENV_VAR = "SOCIALVALUE_STORE"
DEFAULT_FILE = "socialvalue.db"
BUSY_SECONDS = 120
"""How long an SQLite writer waits for another to finish before giving up."""


class StoreError(Exception):
    """The store cannot be opened or used as asked (wrong URL, newer schema, unreachable server)."""


def inserted_id(result: sa.CursorResult[Any]) -> int:
    """The key of the row an INSERT just made."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def default_url() -> str:
    """``$SOCIALVALUE_STORE``, else the SQLite file ``socialvalue.db`` in the working folder."""
    return os.environ.get(ENV_VAR) or DEFAULT_FILE


def normalise_url(url: str) -> str:
    """A URL SQLAlchemy understands: a plain file path is an SQLite file; ``postgresql://`` uses psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def display_url(url: str) -> str:
    """The URL without any password, for messages."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def _engine(url: str, foreign_keys: bool = True) -> sa.Engine:
    made = sa.engine.make_url(url)
    if made.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_SECONDS})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we say when transactions begin (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("read_only") else "BEGIN IMMEDIATE")

    return engine


def _alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "socialvalue.store:migrations")
    config.attributes["connection"] = connection
    return config


def revisions() -> list[str]:
    """Every migration, oldest first."""
    return [s.revision for s in reversed(list(ScriptDirectory.from_config(_alembic_config()).walk_revisions()))]


def head_revision() -> str:
    return revisions()[-1]


@dataclass
class Store:
    """An open store. ``upgraded_from`` says when opening it brought an older schema up to date."""

    url: str
    engine: sa.Engine
    upgraded_from: str | None = None

    @property
    def label(self) -> str:
        return display_url(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """One transaction: everything in the block is recorded, or (on any error) nothing is."""
        with self.engine.begin() as conn:
            yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A read-only look (no write lock taken)."""
        with self.engine.connect().execution_options(read_only=True) as conn, conn.begin():
            yield conn

    def close(self) -> None:
        self.engine.dispose()


def revision_of(url: str) -> str | None:
    """The migration a store is at (None for an empty database)."""
    engine = _engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the store's schema to ``revision`` (the newest by default), in one transaction where the database allows."""
    engine = _engine(normalise_url(url), foreign_keys=False)  # SQLite copies tables to alter them
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), revision)
    finally:
        engine.dispose()


def open_store(url: str | None = None, create: bool = True) -> Store:
    """Open the store at ``url`` (default :func:`default_url`), making or upgrading its schema as needed.

    Raises :class:`StoreError` when it cannot be reached, is not a store, or was made by a newer socialvalue.
    """
    full = normalise_url(url or default_url())
    try:
        made = sa.engine.make_url(full)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"{url!r} is not a database URL or file path") from exc
    if made.get_backend_name() == "sqlite" and made.database and not create and not Path(made.database).exists():
        raise StoreError(f"there is no store at {made.database}: award a contract or create a footprint first")
    if made.get_backend_name() == "sqlite" and made.database:
        Path(made.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        current = revision_of(full)
        head = head_revision()
        if current != head:
            if current is not None and current not in revisions():
                raise StoreError(
                    f"the store {display_url(full)} was made by a newer socialvalue (schema {current}): upgrade socialvalue"
                )
            if current is None and _has_tables(full):
                raise StoreError(f"{display_url(full)} already holds tables that are not a socialvalue store")
            upgrade(full)
        return Store(full, _engine(full), upgraded_from=current if current != head else None)
    except sa.exc.OperationalError as exc:
        raise StoreError(f"cannot open the store {display_url(full)}: {exc.orig}") from exc
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"{display_url(full)} is not a database this version can use: {exc}") from exc


def _has_tables(url: str) -> bool:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return bool(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()
