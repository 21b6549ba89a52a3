"""The ``socialvalue`` command: parse arguments, call the library, print, exit with a code scripts can trust.

Exit codes are mapped once, by the top-level group's class
(:class:`socialvalue.exitcodes.SocialValueGroup`), for every command, including those registered
from ``socialvalue/commands/`` with ``main.add_command``:
0 done; 1 done with input problems (a command returns it); 2 ``click.UsageError`` or
:class:`~socialvalue.output.atomic.OutputRefused`; 3 :class:`~socialvalue.output.atomic.OutputError`;
70 any other exception (one line on screen, the traceback in a log file); 130 Ctrl-C. Every line
printed goes through :func:`socialvalue.terminal.say` (control characters escaped). Heavy libraries
are imported inside the commands so ``socialvalue --help`` stays fast.
"""

from __future__ import annotations

import click

from socialvalue import __version__
from socialvalue.commands.award import award
from socialvalue.commands.contract import contract
from socialvalue.commands.example import example
from socialvalue.commands.footprint import footprint
from socialvalue.commands.localspend import localspend
from socialvalue.commands.panel import panel
from socialvalue.commands.report import report
from socialvalue.commands.returns import returns
from socialvalue.commands.rubric import rubric
from socialvalue.commands.score import score
from socialvalue.commands.summaries import summaries
from socialvalue.commands.template import template
from socialvalue.exitcodes import ALL_CODES, ExitCode, SocialValueGroup

EXIT_OK, EXIT_INPUT_ERRORS, EXIT_USAGE = ExitCode.OK, ExitCode.INPUT_PROBLEMS, ExitCode.USAGE
"""Kept for commands that import them; new code uses :class:`socialvalue.exitcodes.ExitCode`."""


@click.group(
    cls=SocialValueGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=ALL_CODES,
)
@click.version_option(__version__, prog_name="socialvalue")
def main() -> None:
    """Score supplier bids on social value, Excel in and Excel out.

    \b
    A tender, start to finish:
      socialvalue rubric list                              pick a rubric
      socialvalue template --rubric local-measures -o response.xlsx
                                                           issue this to suppliers
      socialvalue panel prepare bids/ --rubric local-measures --evaluators "A. Shah,B. Jones" -o panel/
                                                           one workbook per evaluator
      socialvalue panel collect panel/ --rubric local-measures -o moderation.xlsx
                                                           scores side by side; agree a consensus
      socialvalue score bids/ --rubric local-measures --evaluations moderation.xlsx -o results.xlsx --json results.json
      socialvalue summaries results.json -o letters/ --tender tender-details.yaml   assessment summaries

    \b
    No panel workbooks? `socialvalue template --consensus-for bids/ ...` makes a single consensus sheet.

    \b
    After award, in the store a footprint shares (--store, or SOCIALVALUE_STORE):
      socialvalue footprint create cheshire-and-merseyside     the organisations and places
      socialvalue award results.json --bid bids/acme.xlsx --contract C-1 --org RBQ --start 2026-04-01 --end 2028-03-31
                                                           commitments become the contract's KPIs
      socialvalue template --return C-1 --period 2026Q3 -o c1-q3.xlsx   the supplier's quarterly return
      socialvalue returns ingest returned/                 record the filled returns
      socialvalue returns status --footprint QYG           delivered against committed, RAG, overdue
      socialvalue localspend spend/*.csv --suppliers register.csv --postcodes onspd.csv --footprint QYG -o local.xlsx
                                                           how much of our spend stays local
      socialvalue report footprint --period 2026Q3 -o board.xlsx --html board.html   the board's report

    \b
    Try it on example data:  socialvalue example demo/  (then follow what it prints; `make demo` runs it all)
    No command replaces a file holding people's entries (answers, scores, reasons) unless given --overwrite.
    """


main.add_command(rubric)
main.add_command(template)
main.add_command(score)
main.add_command(panel)
main.add_command(summaries)
main.add_command(example)
main.add_command(footprint)
main.add_command(award)
main.add_command(returns)
main.add_command(localspend)
main.add_command(report)
main.add_command(contract)

if __name__ == "__main__":
    main()
