"""The summary table reports total: always exactly the totals of the fact rows, whatever was written, however.

Checked against sums worked out in Python from ``kpi_period`` (:func:`tests.stores.assert_summary_current`):
after any mix of awards, returns, corrections and grades (a property test, through the store's public
functions), after two writers of one organisation at once on PostgreSQL, and after a migration from a
store made before the summary existed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialvalue.contracts.models import AwardPlan, KpiPlan, ReturnLine, ReturnReading, SupplierInfo, TenderAudit
from socialvalue.footprint.builtin import load_footprint
from socialvalue.periods import Period
from socialvalue.store import open_store
from socialvalue.store import schema as S
from socialvalue.store.contracts import record_award
from socialvalue.store.engine import Store, normalise_url, revisions, upgrade
from socialvalue.store.footprints import save_footprint
from socialvalue.store.returns import grade_evidence, record_return
from socialvalue.store.summary import refresh

from .stores import assert_summary_current, sqlite_url
from .test_store_migrations import _fill_first_revision

ORGS = ["RBQ", "REM", "RVY", "RBN", "gss:E08000012"]
"""Trusts in two places, one closed (RVY rolls up under RBN), and a council."""
MEASURES = [  # code, theme, unit, £ per unit (None: a count), net factor
    ("LE01", "Jobs", "FTE-years", 28_000.0, 0.72),
    ("EN01", "Climate", "tCO2e", 250.0, 0.9),
    ("VOL", "Communities", "hours", None, 1.0),
]
FIRST = Period.of(2025, 3)
assert FIRST is not None
_codes = itertools.count()


def _footprint(store: Store) -> None:
    built, problems = load_footprint("cheshire-and-merseyside")
    assert built is not None, problems
    saved, problems = save_footprint(store, built)
    assert saved is not None, problems


def _award(store: Store, org: str, measures: list[int], quarters: int, start: int = 0) -> tuple[str, list[str]]:
    """A contract of ``quarters`` quarters from FIRST + start; its code and its quarters."""
    n = next(_codes)
    periods = [FIRST + start + i for i in range(quarters)]
    kpis = [
        KpiPlan(code=code, theme=theme, description=code, unit=unit, committed_quantity=10.0 * quarters,
                counted_quantity=10.0 * quarters, unit_value_gbp=value, net_factor=net, phased=[10.0] * quarters)
        for code, theme, unit, value, net in (MEASURES[m] for m in measures)
    ]  # fmt: skip
    plan = AwardPlan(
        contract=f"S-{n}", organisation=org, supplier=SupplierInfo(name=f"Supplier {n}"),
        tender=TenderAudit(rubric_id="r", rubric_version="1", rubric_title="R", rubric_fingerprint="f" * 64,
                           results_file=f"results-{n}.json", results_sha256=hashlib.sha256(f"r{n}".encode()).hexdigest()),
        bid_file=f"bid-{n}.xlsx", bid_sha256=hashlib.sha256(f"b{n}".encode()).hexdigest(), contract_value_gbp=None,
        start=periods[0].start, end=periods[-1].end, periods=[p.key for p in periods], phasing="even", kpis=kpis,
    )  # fmt: skip
    recorded, problems = record_award(store, plan)
    assert recorded is not None, problems
    return plan.contract, plan.periods


def _return(store: Store, contract: str, period: str, delivered: dict[str, float], version: int = 0) -> None:
    reading = ReturnReading(
        file=f"{contract}-{period}-{version}.xlsx", sha256=hashlib.sha256(f"{contract}{period}{version}".encode()).hexdigest(),
        contract=contract, period=period,
        lines=[ReturnLine(code=c, delivered=q, reference=f"EV-{contract}-{c}" if q else "") for c, q in delivered.items()],
    )  # fmt: skip
    record_return(store, reading)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    made = open_store(sqlite_url(tmp_path_factory.mktemp("summary")))
    _footprint(made)
    return made


contracts = st.lists(
    st.tuples(
        st.sampled_from(ORGS),
        st.lists(st.integers(0, len(MEASURES) - 1), min_size=1, max_size=3, unique=True),
        st.integers(1, 5),  # quarters
        st.integers(0, 3),  # first quarter
        st.lists(  # per quarter: nothing, a return, or a return and a correction; and a grade or none
            st.tuples(st.integers(0, 2), st.sampled_from([None, "documented", "verified"]), st.integers(0, 40)),
            min_size=5, max_size=5,
        ),
    ),
    min_size=1, max_size=3,
)  # fmt: skip


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contracts)
def test_the_summary_is_the_total_of_the_fact_rows_after_any_writes(store: Store, contracts: list) -> None:  # type: ignore[type-arg]
    for org, measures, quarters, start, returns in contracts:
        code, periods = _award(store, org, measures, quarters, start)
        kpis = [MEASURES[m][0] for m in measures]
        for period, (how, grade, delivered) in zip(periods, returns, strict=False):
            if how == 0:
                continue
            _return(store, code, period, {k: float(delivered + i) for i, k in enumerate(kpis)})
            if how == 2:  # a correction of the first KPI only
                _return(store, code, period, {k: float(delivered + i + (7 if i == 0 else 0)) for i, k in enumerate(kpis)}, 1)  # fmt: skip
            if grade:
                graded, problems = grade_evidence(store, code, period, grade, kpis[:1], by="A. Shah")
                assert graded == 1, problems
    assert_summary_current(store.url)


def test_two_writers_of_one_organisation_at_once_keep_the_summary_whole(store_url: str) -> None:
    """Two transactions change fact rows of the same organisation and quarter and refresh its summary: on
    PostgreSQL the second waits for the first to commit (advisory lock), then totals both; SQLite writers
    never overlap (the write lock is taken when the transaction begins)."""
    if not store_url.startswith("postgresql"):
        pytest.skip("SQLite takes its write lock when a transaction begins: two writers never overlap")
    store = open_store(store_url)
    _footprint(store)
    first, periods = _award(store, "RBQ", [0, 2], 2)
    second, _ = _award(store, "RBQ", [0, 1], 2)
    period = Period.parse(periods[0])
    assert period is not None
    with store.read() as conn:
        org = conn.execute(sa.select(S.organisation.c.id).where(S.organisation.c.code == "RBQ")).scalar_one()
        ids = {r.code: r.id for r in conn.execute(sa.select(S.contract.c.code, S.contract.c.id))}
    kp = S.kpi_period

    def deliver(conn: sa.Connection, contract: str, quantity: float) -> None:
        where = (kp.c.contract_id == ids[contract], kp.c.period_index == period.index)
        conn.execute(sa.update(kp).where(*where).values(delivered_quantity=quantity, evidence_grade="self-reported",
                                                        delivered_gross_gbp=kp.c.unit_value_gbp * quantity,
                                                        delivered_net_gbp=kp.c.unit_value_gbp * quantity * kp.c.net_factor))  # fmt: skip
        refresh(conn, org, period.index, period.index)

    def later() -> None:
        with store.write() as conn:
            deliver(conn, second, 5.0)

    waiting = sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted")  # the second writer is waiting for the first
    with ThreadPoolExecutor(1) as pool:
        with store.write() as conn:
            deliver(conn, first, 3.0)  # holds the organisation's lock until it commits
            done = pool.submit(later)
            with store.engine.connect() as watcher:
                # until the second writer is seen waiting, or has finished without waiting (which would be the bug)
                while not watcher.execute(waiting).scalar_one():
                    assert not done.done(), "the second writer never waited"
                    time.sleep(0.02)
        done.result(timeout=60)  # re-raises anything the second writer hit
    with store.read() as conn:
        delivered = conn.execute(
            sa.select(sa.func.sum(S.kpi_summary.c.delivered_quantity)).where(S.kpi_summary.c.period_index == period.index)
        ).scalar_one()  # fmt: skip
    assert delivered == pytest.approx(3.0 * 2 + 5.0 * 2)  # both writers' rows: two KPIs each
    assert_summary_current(store_url)


def test_a_store_made_before_the_summary_gets_it_filled_when_upgraded(store_url: str) -> None:
    upgrade(store_url, revisions()[0])
    _fill_first_revision(store_url)
    upgrade(store_url, "0002")  # returns and delivered figures exist from here
    engine = sa.create_engine(normalise_url(store_url))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE kpi_period SET delivered_quantity = 1.5, delivered_gross_gbp = 30000, "
                             "delivered_net_gbp = 21600, evidence_grade = 'verified' WHERE period = '2026Q2'"))  # fmt: skip
    engine.dispose()
    store = open_store(store_url)
    assert store.upgraded_from == "0002"
    assert_summary_current(store_url)
    with store.read() as conn:
        row = conn.execute(sa.select(S.kpi_summary).where(S.kpi_summary.c.period == "2026Q2")).one()
        managers = conn.execute(sa.select(S.contract.c.manager)).scalars().all()
    assert (row.kpi_periods, row.verified_lines, row.verified_gross_gbp, row.ungraded_lines) == (1, 1, 30000, 0)
    assert managers == [""]


def test_reports_never_read_a_stale_summary_after_a_correction(store: Store) -> None:
    """A corrected return changes the footprint report's delivered £ by exactly the correction."""
    from socialvalue.reports.queries import footprint_figures

    code, periods = _award(store, "REM", [0], 2)
    last = Period.parse(periods[-1])
    assert last is not None

    def delivered() -> float:
        return footprint_figures(
            store, "QYG", FIRST, last + 4, dt.date(2030, 1, 1), with_rows=False
        ).total.delivered_gross

    before = delivered()
    _return(store, code, periods[0], {"LE01": 2.0})
    _return(store, code, periods[0], {"LE01": 3.0}, 1)
    assert delivered() - before == pytest.approx(3.0 * 28_000)
