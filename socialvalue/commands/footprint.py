"""``socialvalue footprint``: create a footprint, load its organisations, show and check it."""

from __future__ import annotations

from pathlib import Path

import click

from socialvalue.exitcodes import ExitCode
from socialvalue.terminal import say

from ._common import fail
from ._store import list_problems, open_or_fail, store_option


@click.group()
def footprint() -> None:
    """Footprints: the organisations that report together (an integrated care system), by their codes.

    \b
      socialvalue footprint create cheshire-and-merseyside     the built-in ICS (ICB QYG, 9 places)
      socialvalue footprint load QYG organisations.csv         add or update organisations
      socialvalue footprint show QYG                           places, organisations, successions
      socialvalue footprint check QYG --ods etr.csv --ods eccg.csv --ons lad.csv
      socialvalue footprint set QYG --green 95 --amber 75      RAG thresholds, return due days

    Organisations are keyed by code: NHS ODS (trusts, ICBs, CCGs), ONS GSS (councils, by their local
    authority district), charity or company number. A closed organisation names its successor, and
    its records roll up under it.
    """


@footprint.command("create")
@click.argument("source", required=False)
@click.option("--code", help="A new, empty footprint's code (its ICB's ODS code), instead of SOURCE.")
@click.option("--name", help="The new footprint's name (with --code).")
@click.option("--gss", help="The ICB's ONS code, e.g. E54000008 (with --code).")
@click.option("--place", "places", multiple=True, metavar="GSS=NAME",
              help="A place of the new footprint (repeatable), e.g. E06000049='Cheshire East'.")  # fmt: skip
@store_option
def footprint_create(
    source: str | None,
    code: str | None,
    name: str | None,
    gss: str | None,
    places: tuple[str, ...],
    store_url: str | None,
) -> None:
    """Record a footprint: SOURCE is a built-in footprint or a footprint YAML file (or use --code and --name).

    Recording a footprint that is already in the store updates it; organisations added since are kept.
    """
    from socialvalue.footprint import builtin_footprints, load_footprint
    from socialvalue.footprint.load import new_footprint
    from socialvalue.store.footprints import save_footprint

    if (source is None) == (code is None):
        raise click.UsageError(
            f"give a built-in footprint or footprint file, or --code and --name (built-in: {', '.join(builtin_footprints())})"
        )
    if source is not None:
        model, problems = load_footprint(source)
    else:
        model, problems = new_footprint(code or "", name or "", gss, places)
    if model is None:
        fail(problems, f"{source or code} cannot be used")
    store = open_or_fail(store_url)
    saved, problems = save_footprint(store, model)
    if saved is None:
        fail(problems, f"footprint {model.code} was not recorded")
    verb = "Recorded" if saved.created else "Updated"
    say(
        f"{verb} footprint {model.code} {model.name}: {len(model.places)} place(s), "
        f"{saved.organisations_added} organisation(s) added, {saved.organisations_updated} updated; store {store.label}"
    )


@footprint.command("load")
@click.argument("code")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@store_option
def footprint_load(code: str, csv_file: Path, store_url: str | None) -> int:
    """Add or update organisations of footprint CODE from a CSV file.

    Columns: scheme (ods, gss, charity, company), code, name, kind (icb, ccg, trust, council, vcse,
    other), place (GSS code or name of one of the footprint's places), postcode, opened, closed,
    successor, successor_scheme, succeeded_on, former_name, note. The file is loaded whole or not at
    all: any problem is listed with its line and column, nothing is recorded, and the exit code is 1.
    """
    from socialvalue.store.footprints import load_organisations, read_footprint

    store = open_or_fail(store_url)
    model, problems = read_footprint(store, code)
    if model is None:
        fail(problems, f"footprint {code} cannot be used")
    loaded, problems = load_organisations(store, model, csv_file)
    if loaded is None:
        say(f"{csv_file.name} was not loaded:", err=True, fg="red")
        list_problems(problems)
        return ExitCode.INPUT_PROBLEMS
    list_problems(problems)
    say(f"Loaded {loaded} organisation(s) into footprint {model.code} from {csv_file.name}")
    return ExitCode.OK


@footprint.command("show")
@click.argument("code", required=False)
@store_option
def footprint_show(code: str | None, store_url: str | None) -> None:
    """Show footprint CODE: places, organisations, successions (without CODE: the footprints available)."""
    from socialvalue.footprint import builtin_footprints, rollup_map
    from socialvalue.store.footprints import footprint_codes, read_footprint

    store = open_or_fail(store_url)
    if code is None:
        say(f"In the store ({store.label}): {', '.join(footprint_codes(store)) or 'none yet'}")
        say(f"Built in: {', '.join(builtin_footprints())}  (socialvalue footprint create NAME)")
        return
    model, problems = read_footprint(store, code)
    if model is None:
        fail(problems, f"footprint {code} cannot be shown")
    rollup = rollup_map(model.organisations)
    say(f"{model.code} {model.name}" + (f" ({model.gss})" if model.gss else ""), bold=True)
    say(f"RAG: green from {model.rag_green_pct:g}%, amber from {model.rag_amber_pct:g}%; "
        f"returns due {model.return_due_days} days after each quarter")  # fmt: skip
    names = {p.gss: p.name for p in model.places}
    for place_code in [*names, None]:
        members = [o for o in model.organisations if o.place == place_code]
        if not members:
            continue
        say(f"  {place_code} {names[place_code]}" if place_code else "  Footprint-wide", bold=True)
        for o in members:
            line = f"    {o.scheme.value}:{o.code:10} {o.kind.value:8} {o.name}"
            if o.closed:
                line += f" (closed {o.closed}; rolls up under {rollup[o.key][1]})"
            say(line)


@footprint.command("check")
@click.argument("code")
@click.option("--ods", "ods", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An NHS ODS extract (etr trusts, eccg CCGs ...) to check codes, names and dates against (repeatable).")  # fmt: skip
@click.option("--ons", "ons", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An ONS names-and-codes CSV (ICBs, local authority districts) to check against (repeatable).")  # fmt: skip
@store_option
def footprint_check(code: str, ods: tuple[Path, ...], ons: tuple[Path, ...], store_url: str | None) -> int:
    """Check footprint CODE: closures without successors, successors outside it, places without
    organisations; with --ods / --ons, its codes against the public registers. Exit 1 when anything needs a look."""
    from socialvalue.footprint import check_footprint
    from socialvalue.problems import Severity
    from socialvalue.store.footprints import read_footprint

    store = open_or_fail(store_url)
    model, problems = read_footprint(store, code)
    if model is None:
        fail(problems, f"footprint {code} cannot be checked")
    found = check_footprint(model, ods, ons)
    for p in found:
        say(f"  {p.severity.value:7} {p}", fg={Severity.ERROR: "red", Severity.WARNING: "yellow"}.get(p.severity))
    serious = [p for p in found if p.severity is not Severity.INFO]
    say(f"{model.code}: {len(model.organisations)} organisation(s) in {len(model.places)} place(s); "
        f"{len(serious)} thing(s) to look at")  # fmt: skip
    return ExitCode.INPUT_PROBLEMS if serious else ExitCode.OK


@footprint.command("set")
@click.argument("code")
@click.option("--green", type=click.FloatRange(0, 1000), help="Delivered to date at or above this % is green.")
@click.option("--amber", type=click.FloatRange(0, 1000), help="At or above this % (below green) is amber; below, red.")
@click.option("--due-days", type=click.IntRange(0, 366), help="Days after a quarter ends that its return is due.")
@store_option
def footprint_set(
    code: str, green: float | None, amber: float | None, due_days: int | None, store_url: str | None
) -> None:
    """Set footprint CODE's RAG thresholds and when returns are due."""
    from socialvalue.footprint.load import with_rules
    from socialvalue.store.footprints import read_footprint, save_footprint

    store = open_or_fail(store_url)
    model, problems = read_footprint(store, code)
    if model is None:
        fail(problems, f"footprint {code} cannot be changed")
    updated, problems = with_rules(model, green, amber, due_days)
    if updated is None:
        fail(problems, f"footprint {code} was not changed")
    saved, problems = save_footprint(store, updated)
    if saved is None:
        fail(problems, f"footprint {code} was not changed")
    say(f"{updated.code}: green from {updated.rag_green_pct:g}%, amber from {updated.rag_amber_pct:g}%, "
        f"returns due {updated.return_due_days} days after each quarter")  # fmt: skip
