"""Shared fixtures: real workbooks made by the project's own template generator and filler."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from socialvalue.batch import Batch, score_folder
from socialvalue.example import ExampleTender, build_example
from socialvalue.output.template import write_response_template
from socialvalue.rubric import RubricSource, load_rubric
from tests.stores import postgres_url, store_url  # the store fixtures, on SQLite and PostgreSQL

__all__ = ["postgres_url", "store_url"]

# No deadlines: a property test must not fail because a shared machine was busy (timings belong in bench/).
settings.register_profile("socialvalue", deadline=None)
settings.load_profile("socialvalue")


def load(name: str) -> RubricSource:
    source, problems = load_rubric(name)
    assert source is not None, problems
    return source


@pytest.fixture(scope="session")
def hybrid() -> RubricSource:
    return load("hybrid-commitments-plan")


@pytest.fixture(scope="session")
def hybrid_template(tmp_path_factory: pytest.TempPathFactory, hybrid: RubricSource) -> Path:
    return write_response_template(hybrid.rubric, hybrid.value_set, tmp_path_factory.mktemp("tpl") / "response.xlsx")


@pytest.fixture(scope="session")
def example_tender(tmp_path_factory: pytest.TempPathFactory) -> ExampleTender:
    """The bundled example tender, built once: four filled bids (one with mistakes), one CSV, panel scores."""
    return build_example(tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="session")
def example_batch(example_tender: ExampleTender, hybrid: RubricSource) -> Batch:
    """The example tender scored with the panel's consensus, once (shared: read it, never change it)."""
    return score_folder(example_tender.bids_dir, hybrid, [example_tender.consensus])
