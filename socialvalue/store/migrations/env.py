"""Alembic environment for the store: run with a connection handed in by :mod:`socialvalue.store.engine`."""

from __future__ import annotations

from alembic import context

from socialvalue.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the store always hands in its connection
    raise RuntimeError("run migrations through socialvalue.store (socialvalue store upgrade), not the alembic command")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
