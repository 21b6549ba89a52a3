"""The store: footprints, contracts, KPIs phased by quarter and delivery returns, in SQLite or PostgreSQL."""

from .engine import Store, StoreError, default_url, open_store

__all__ = ["Store", "StoreError", "default_url", "open_store"]
