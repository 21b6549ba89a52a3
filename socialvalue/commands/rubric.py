"""``socialvalue rubric``: list, show and check rubrics, and print the rubric format's JSON Schema."""

from __future__ import annotations

from pathlib import Path

import click

from socialvalue.exitcodes import ExitCode, codes
from socialvalue.terminal import say

from ._common import encoding_option, rubric_or_fail, values_option


@click.group(epilog=codes(0, 2))
def rubric() -> None:
    """List, show and check rubrics (the published evaluation method)."""


@rubric.command("list", epilog=codes(0))
def rubric_list() -> None:
    """List the built-in rubrics."""
    from socialvalue.rubric import builtin_rubrics, load_rubric

    for name in builtin_rubrics():
        source, _ = load_rubric(name)
        if source is None:
            say(f"{name:28} (does not load: run `socialvalue rubric check {name}`)")
            continue
        r = source.rubric
        weights = ", ".join(f"{c.name} {c.weight:g}%" for c in r.criteria)
        say(f"{name:28} {r.title}")
        say(f"{'':28} {weights}; policy {r.policy.value}")


@rubric.command("show", epilog=codes(0, 2))
@click.argument("name")
@values_option
@encoding_option
@click.option("--json", "as_json", is_flag=True, help="Print the rubric as JSON instead.")
def rubric_show(name: str, values: str | None, encoding: str | None, as_json: bool) -> None:
    """Show a rubric: criteria, weights (questions both as % and as points), methods, themes, measures, gates."""
    from socialvalue.rubric.show import show_json, show_lines

    source = rubric_or_fail(name, values, encoding)
    if as_json:
        import json

        click.echo(json.dumps(show_json(source), indent=2, ensure_ascii=False))
        return
    for line in show_lines(source):
        say(line)


@rubric.command("check", epilog=codes(0, 2))
@click.argument("files", nargs=-1, required=True)
@click.option("--values", help="Check against this value set instead of the rubric's own.")
@encoding_option
@click.option(
    "--json", "as_json", is_flag=True, help="Print the outcome as JSON: one entry per file, with its problems."
)
def rubric_check(files: tuple[str, ...], values: str | None, encoding: str | None, as_json: bool) -> int:
    """Check rubric files; every problem at once, with file, line and field path.

    Exits 2 when any file has a problem.
    """
    from socialvalue.problems import Severity
    from socialvalue.rubric import load_rubric

    checked = [(f, *load_rubric(f, values, encoding)) for f in files]
    if as_json:
        import json

        report = [
            {"file": f, "ok": source is not None, "fingerprint": source.rubric.fingerprint() if source else None,
             "problems": [p.model_dump(mode="json") for p in problems]}
            for f, source, problems in checked
        ]  # fmt: skip
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for f, source, problems in checked:
            if source is None:
                say(f"{f}: {len(problems)} problem(s)", fg="red")
                for p in problems:
                    say(f"  {p}")
                continue
            r = source.rubric
            say(f"{f}: OK ({r.id} v{r.version}, fingerprint {r.fingerprint()[:12]})", fg="green")
            for p in problems:
                if p.severity is Severity.INFO:
                    say(f"  note: {p}")
    return ExitCode.USAGE if any(source is None for _, source, _ in checked) else ExitCode.OK


@rubric.command("schema", epilog=codes(0, 2, 3))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file (default: print)."
)
def rubric_schema(output: Path | None) -> None:
    """Print the JSON Schema of the rubric format (for editor autocompletion)."""
    from socialvalue.rubric.schema import rubric_schema_json

    text = rubric_schema_json()
    if output:
        from socialvalue.output.atomic import atomic_path

        with atomic_path(output) as tmp:
            tmp.write_text(text, encoding="utf-8")
        say(f"wrote {output}")
    else:
        click.echo(text)
