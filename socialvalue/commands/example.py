"""``socialvalue example``: an example tender to try every command on."""

from __future__ import annotations

from pathlib import Path

import click

from socialvalue.exitcodes import codes
from socialvalue.terminal import say


@click.command(epilog=codes(0, 2, 3))
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--returns-for",
    "issued",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="ISSUED_DIR",
    help="Instead of a tender: fill the delivery returns in ISSUED_DIR (made by `socialvalue template --return`) "
    "as the example's winning supplier would, into FOLDER, ready for `socialvalue returns ingest FOLDER`.",
)
def example(folder: Path, issued: Path | None) -> None:
    """Make an example tender in FOLDER: filled supplier bids (one with mistakes) and the panel's scores.

    With --returns-for, the example's delivery instead: its winning supplier's quarterly returns, filled
    with the figures in templates/example/delivery.yaml. `make demo` runs the whole journey: tender,
    award, returns, reports.

    FOLDER must be new or empty: the example is never written into a real tender's folder.
    """
    from socialvalue.example import NoExampleFigures, build_example, fill_example_returns

    if issued is not None:
        try:
            filled = fill_example_returns(issued, folder)
        except NoExampleFigures as exc:
            raise click.UsageError(str(exc)) from exc
        say(f"{len(filled)} delivery return(s) filled as the example supplier would, in {folder}:")
        for path in filled:
            say(f"  {path.name}")
        say("Record them:")
        say(f"  socialvalue returns ingest {folder}")
        return

    made = build_example(folder)
    say(f"Example tender ({made.rubric}) in {folder}:")
    say(f"  {len(made.bids)} supplier bids in {made.bids_dir}")
    say(f"  panel consensus scores in {made.consensus}")
    say("Score it:")
    say(
        f"  socialvalue score {made.bids_dir} --rubric {made.rubric} "
        f"--evaluations {made.consensus} -o {folder / 'results.xlsx'}"
    )
