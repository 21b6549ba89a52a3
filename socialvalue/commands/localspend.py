"""``socialvalue localspend``: how much of the spend stays local, LM3, and where staff live."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import fail
from ._store import open_or_fail

if TYPE_CHECKING:
    from socialvalue.store import Store


def _columns(pairs: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """``amount=Net £`` (spend files) or ``register.postcode=Site PC`` → {input: {field: header}}."""
    out: dict[str, dict[str, str]] = {}
    for pair in pairs:
        key, sep, header = pair.partition("=")
        if not sep or not key.strip() or not header.strip():
            raise click.BadParameter(
                f"'{pair}' is not FIELD=Header (e.g. amount=\"Net Amount\")", param_hint="--column"
            )
        scope, dot, name = key.strip().rpartition(".")
        scope = scope if dot else "spend"
        if scope not in ("spend", "register", "postcodes", "staff"):
            raise click.BadParameter(f"'{scope}' is not spend, register, postcodes or staff", param_hint="--column")
        out.setdefault(scope, {})[name] = header.strip()
    return out


@click.command("localspend")
@click.argument("spend", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--suppliers",
    "register",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Supplier register (xlsx or CSV): supplier name (or id), trading or delivery postcode, head office "
    "postcode, SME, VCSE.",
)
@click.option(
    "--postcodes",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="ONS Postcode Directory extract (ONSPD or NSPL; CSV or Parquet) with postcode and district columns.",
)
@click.option(
    "--footprint",
    metavar="NAME",
    help="What counts as local, and who pays: a footprint's places and organisations. A footprint in the store by "
    "its code (QYG), a built-in one (cheshire-and-merseyside) or a footprint YAML file.",
)
@click.option(
    "--local-area",
    metavar="CODES|FILE",
    help="Instead of --footprint, for an ad-hoc run: LAD codes (E06000049,E06000050) or a file of them.",
)
@click.option(
    "--organisations",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV mapping spend-file organisation names (old CCG names too) to an organisation code (and, without "
    "--footprint, a place). With --footprint, files may also name organisations by their codes.",
)
@click.option(
    "--staff",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Staff file: home postcode per person (FTE, organisation, annual pay optional), or headcount by "
    "postcode district. Repeatable.",
)
@click.option(
    "--suppress-under",
    default=5,
    show_default=True,
    type=click.IntRange(min=1),
    help="Staff counts under this are suppressed in every output.",
)
@click.option(
    "--respend-suppliers",
    type=click.FloatRange(0, 100),
    metavar="PCT",
    help="LM3 round 3: share of a local supplier's income it spends locally (stated assumption).",
)
@click.option(
    "--respend-staff",
    type=click.FloatRange(0, 100),
    metavar="PCT",
    help="LM3 round 3: share of local staff's pay they spend locally (stated assumption).",
)
@click.option(
    "--lm3-survey",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="LM3 round 3 from a supplier survey: supplier, share of income spent locally (%).",
)
@click.option(
    "--pay-per-fte",
    type=click.FloatRange(min=0),
    metavar="GBP",
    help="LM3: annual pay per FTE to assume when the staff file has no pay column.",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help='Name a column the reader did not find: amount="Net £" (spend files), register.postcode=..., '
    "staff.postcode=..., postcodes.lad=... Repeatable.",
)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Workbook to write."
)
@click.option(
    "--html",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the figures as one self-contained web page (.html), to read or print: the same figures as "
    "the workbook, written together with it.",
)
@click.option(
    "--store",
    "store_url",
    envvar="SOCIALVALUE_STORE",
    metavar="URL",
    help="Also record the run's figures in this store, for the footprint report: an SQLite file path or a "
    "database URL [env SOCIALVALUE_STORE; without either, nothing is recorded].",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace an output that socialvalue did not make (or that holds people's entries). Without it such a file "
    "is never replaced.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems and the final line.")
def localspend(
    spend: tuple[Path, ...],
    register: Path,
    postcodes: Path,
    footprint: str | None,
    local_area: str | None,
    organisations: Path | None,
    staff: tuple[Path, ...],
    suppress_under: int,
    respend_suppliers: float | None,
    respend_staff: float | None,
    lm3_survey: Path | None,
    pay_per_fte: float | None,
    columns: tuple[str, ...],
    output: Path,
    html: Path | None,
    store_url: str | None,
    overwrite: bool,
    quiet: bool,
) -> None:  # fmt: skip
    """How much of SPEND stays local: payments placed by their supplier's postcode, LM3, local employment.

    \b
    SPEND are spend files as organisations publish them (xlsx or CSV; columns found by their headers).
    Every row read ends up in one category (local, not local, withheld, unknown supplier, bad postcode,
    credit, ...) and the categories add up to the rows read: nothing is dropped. The rows not counted as a
    placed payment are listed in a CSV file beside the workbook (local-spend-set-aside.csv).

    \b
      socialvalue localspend spend/*.csv --suppliers register.csv --postcodes ONSPD.csv \\
          --footprint QYG --organisations names.csv --store socialvalue.db -o local-spend.xlsx \\
          --html local-spend.html
      socialvalue localspend spend/*.xlsx --suppliers register.csv --postcodes ONSPD.csv \\
          --local-area E06000049,E06000050 --organisations orgs.csv -o local-spend.xlsx
    """
    from socialvalue.cli import EXIT_INPUT_ERRORS, EXIT_OK
    from socialvalue.localspend.analysis import Options, analyse
    from socialvalue.localspend.employment import StaffOptions
    from socialvalue.localspend.lm3 import Lm3Options
    from socialvalue.localspend.models import Category, Kind
    from socialvalue.localspend.record import record_run
    from socialvalue.localspend.scope import where_local
    from socialvalue.localspend.workbook import set_aside_path, write_workbook
    from socialvalue.output.atomic import check_targets
    from socialvalue.problems import Problem, Severity
    from socialvalue.terminal import print_problems as _print_problems

    mapping = _columns(columns)
    if (footprint is None) == (local_area is None):
        raise click.UsageError("say what counts as local: --footprint NAME, or --local-area CODES for an ad-hoc run")
    inputs = [*spend, register, postcodes, *staff, *(p for p in (organisations, lm3_survey) if p is not None)]
    check_targets([output, set_aside_path(output), html], inputs, overwrite=overwrite)  # before any work
    store = open_or_fail(store_url) if store_url else None
    scope, setup = where_local(footprint, local_area, organisations, store, None if store else _default_store())
    if scope is None:
        fail(setup, "what counts as local cannot be worked out")
    if footprint is not None and not quiet:
        click.echo(f"Local area: {len(scope.area.codes)} place(s) of {scope.source}")
    options = Options(
        local_area=scope.area, organisations=scope.organisations, columns=mapping, staff=staff,
        staff_options=StaffOptions(suppress_under=suppress_under, pay_per_fte=pay_per_fte),
        lm3=Lm3Options(respend_suppliers=respend_suppliers, respend_staff=respend_staff, survey=lm3_survey),
    )  # fmt: skip
    problems: list[Problem] = list(setup)
    done = [0]
    live = sys.stderr.isatty() and not quiet

    def tick(rows: int) -> None:
        done[0] += rows
        if live:
            click.echo(f"\rReading spend files: {done[0]:,} rows", err=True, nl=False)

    result = analyse(list(spend), register, postcodes, options, problems, tick)
    if live:
        click.echo(err=True)
    if result is None:
        raise click.UsageError("\n".join(str(p) for p in problems if p.severity is Severity.ERROR))
    write_workbook(result, output, inputs, "socialvalue " + " ".join(sys.argv[1:]), overwrite, html)
    if store is not None:
        recorded, refused = record_run(store, result)
        if recorded is None:
            fail(refused, "the run was not recorded")
        when = f"{recorded.recorded_at:%Y-%m-%d %H:%M}"
        click.echo(
            f"Recorded run {recorded.run_id} in the store {store.label}: "
            + ", ".join(f"{n:,} {t.removeprefix('localspend_')} rows" for t, n in recorded.rows.items())
            if recorded.created
            else f"The store {store.label} already holds this run (run {recorded.run_id}, {when}): the same inputs "
            "and settings; nothing changed"
        )
    rows, _ = result.total()
    _, local = result.total(kind=Kind.PAYMENT, category=Category.LOCAL)
    _, not_local = result.total(kind=Kind.PAYMENT, category=Category.NOT_LOCAL)
    _, paid = result.total(kind=Kind.PAYMENT)
    if not quiet:
        share = f"{local / (local + not_local):.1%}" if local + not_local else "-"
        cover = f"{(local + not_local) / paid:.1%}" if paid else "-"
        click.echo(f"Local share of placed payments: {share} (£{local:,.2f} of £{local + not_local:,.2f})")
        click.echo(f"Payments placed: {cover} of £{paid:,.2f}; the rest is listed by reason on the Summary sheet")
        for m in result.lm3[:1]:
            click.echo(
                f"LM3 ({m.scope}): {m.lm3:.2f}"
                if m.lm3 is not None
                else f"LM3 ({m.scope}): not worked out (see the LM3 sheet)"
            )
    if problems:
        _print_problems(problems)
    click.echo(
        f"Read {rows:,} rows from {len(spend)} file(s); workbook: {output}; rows set aside: {set_aside_path(output)}"
        + (f"; web page: {html}" if html is not None else "")
    )
    bad = any(p.severity is not Severity.INFO for p in problems)
    sys.exit(EXIT_INPUT_ERRORS if bad else EXIT_OK)


def _default_store() -> Store | None:
    """The store in the working folder (or SOCIALVALUE_STORE), if there is one, to look a footprint code up in."""
    from socialvalue.store import StoreError, open_store

    try:
        return open_store(None, create=False)
    except StoreError:
        return None
