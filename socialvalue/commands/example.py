"""``socialvalue example``: an example tender to try every command on."""

from __future__ import annotations

from pathlib import Path

import click

from socialvalue.exitcodes import codes
from socialvalue.terminal import say


@click.command(epilog=codes(0, 2, 3))
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def example(folder: Path) -> None:
    """Make an example tender in FOLDER: filled supplier bids (one with mistakes) and the panel's scores.

    FOLDER must be new or empty: the example is never written into a real tender's folder.
    """
    from socialvalue.example import build_example

    made = build_example(folder)
    say(f"Example tender ({made.rubric}) in {folder}:")
    say(f"  {len(made.bids)} supplier bids in {made.bids_dir}")
    say(f"  panel consensus scores in {made.consensus}")
    say("Score it:")
    say(
        f"  socialvalue score {made.bids_dir} --rubric {made.rubric} "
        f"--evaluations {made.consensus} -o {folder / 'results.xlsx'}"
    )
