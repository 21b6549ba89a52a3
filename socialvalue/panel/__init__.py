"""The evaluation panel: evaluator workbooks, collecting and checking them, and the moderation workbook.

``prepare`` writes one workbook per evaluator (optionally blind, with a separate key); ``collect``
reads the returned workbooks, checks them and builds the moderation record; ``moderation`` writes
the moderation workbook (its Consensus sheet is what ``socialvalue score --evaluations`` reads);
``record`` reads a moderation workbook back for reports; ``checks`` holds the pure rules (scores on
the scale, reasons present, the disagreement rule).
"""

from .checks import DEFAULT_GAP, Disagreement, disagreement, gap_rule
from .collect import EvaluatorReturn, Moderation, ModerationRow, collect_panel
from .moderation import write_moderation
from .prepare import PanelPlan, Prepared, evaluator_file_name, nothing_to_score, parse_evaluators, prepare_panel
from .record import PanelRecord, read_panel_record

__all__ = [
    "DEFAULT_GAP",
    "Disagreement",
    "EvaluatorReturn",
    "Moderation",
    "ModerationRow",
    "PanelPlan",
    "PanelRecord",
    "Prepared",
    "collect_panel",
    "disagreement",
    "evaluator_file_name",
    "gap_rule",
    "nothing_to_score",
    "parse_evaluators",
    "prepare_panel",
    "read_panel_record",
    "write_moderation",
]
