"""CLI items of issue 12: `-` means standard output, the bids folder and the consensus workbook cannot be swapped
silently, the rubric commands speak JSON, summaries take the tender details."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from socialvalue.cli import main
from socialvalue.example import ExampleTender
from socialvalue.output.scored import read_results_json, results_rubric
from socialvalue.panel import nothing_to_score
from socialvalue.rubric import load_rubric

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_json_dash_writes_the_results_to_standard_output(example_tender: ExampleTender, tmp_path: Path) -> None:
    code, out, err = run("score", example_tender.bids_dir, "--rubric", example_tender.rubric, "--evaluations",
                         example_tender.consensus, "-o", tmp_path / "r.xlsx", "--json", "-", "-j", "1")  # fmt: skip
    assert code == 1  # the example has a bid with mistakes
    payload = json.loads(out)
    assert payload["decision"]["winner"] == "Mersey Care Services Ltd"
    assert "Scored 4 of 5 file(s)" in err and not (Path.cwd() / "-").exists()


def test_a_folder_given_as_the_consensus_workbook_is_explained(example_tender: ExampleTender, tmp_path: Path) -> None:
    code, _, err = run("score", example_tender.bids_dir, "--rubric", example_tender.rubric, "--evaluations",
                       example_tender.bids_dir, "-o", tmp_path / "r.xlsx")  # fmt: skip
    assert code == 2 and "is a folder: --evaluations takes the panel's consensus workbook" in err
    assert "--consensus-for" in err
    code, _, err = run("template", "--rubric", example_tender.rubric, "--evaluation", example_tender.consensus,
                       "-o", tmp_path / "c.xlsx")  # fmt: skip
    assert code == 2 and "is a file: --consensus-for takes the folder of returned bids" in err
    code, _, _ = run("template", "--rubric", example_tender.rubric, "--consensus-for", example_tender.bids_dir,
                       "-o", tmp_path / "c.xlsx")  # fmt: skip
    assert code == 1 and (tmp_path / "c.xlsx").is_file()  # 1: the example's CSV is not a bid (left out, listed)


def test_rubric_commands_speak_json(tmp_path: Path) -> None:
    code, out, _ = run("rubric", "show", "hybrid-commitments-plan", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["question_weights"]["Q1"] == {"percent_of_part": 100, "points": 40}
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: X\ncriteria: []\nwieght: 1\n")
    code, out, _ = run("rubric", "check", "hybrid-commitments-plan", bad, "--json")
    checked = json.loads(out)
    assert code == 2 and [c["ok"] for c in checked] == [True, False]
    assert {p["field"] for p in checked[1]["problems"]} >= {"criteria", "wieght"}


def test_summaries_take_the_tender_details(example_tender: ExampleTender, tmp_path: Path) -> None:
    run("score", example_tender.bids_dir, "--rubric", example_tender.rubric, "--evaluations",
        example_tender.consensus, "-o", tmp_path / "r.xlsx", "--json", tmp_path / "r.json", "-j", "1")  # fmt: skip
    code, _, err = run("summaries", tmp_path / "r.json", "-o", tmp_path / "letters", "--tender", example_tender.details)
    assert code == 0, err
    html = (tmp_path / "letters" / "assessment-summary-mersey-care-services.html").read_text(encoding="utf-8")
    assert "EX-2026-014" in html and "DRAFT" not in html
    # without them every letter is a DRAFT, so the documents are not ready to send: written, and exit 1
    code, _, err = run("summaries", tmp_path / "r.json", "-o", tmp_path / "drafts")
    assert code == 1, err
    assert "Not ready to send: the tender details do not give the buyer, tender title" in err
    html = (tmp_path / "drafts" / "assessment-summary-mersey-care-services.html").read_text(encoding="utf-8")
    assert "DRAFT, not ready to send: the tender details do not give the buyer" in html


def test_summaries_take_the_rubric_the_results_were_scored_with(example_tender: ExampleTender, tmp_path: Path) -> None:
    run("score", example_tender.bids_dir, "--rubric", example_tender.rubric, "--evaluations",
        example_tender.consensus, "-o", tmp_path / "r.xlsx", "--json", tmp_path / "r.json", "-j", "1")  # fmt: skip
    loaded, _ = read_results_json(tmp_path / "r.json")
    assert loaded is not None
    source, problems = results_rubric(loaded)  # the built-in one the results name
    assert source is not None and source.rubric.id == example_tender.rubric and not problems
    # another rubric given: refused, before anything is written
    code, _, err = run("summaries", tmp_path / "r.json", "-o", tmp_path / "a", "--rubric", "local-measures")
    assert code == 2 and not (tmp_path / "a").exists()
    assert "the rubric given (local-measures v" in err and f"scored with ({example_tender.rubric} v" in err
    # results from a rubric of one's own: it must be given
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    data["rubric_id"] = "our-own-rubric"
    (tmp_path / "own.json").write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("summaries", tmp_path / "own.json", "-o", tmp_path / "b")
    assert code == 2 and "scored with rubric 'our-own-rubric', which is not built in: give it with --rubric" in err


def test_a_rubric_with_no_written_questions_has_nothing_for_a_panel(
    example_tender: ExampleTender, tmp_path: Path
) -> None:
    data = yaml.safe_load((ROOT / "rubrics" / "hybrid-commitments-plan.yaml").read_text(encoding="utf-8"))
    data["criteria"] = [c for c in data["criteria"] if c["kind"] != "quality"]
    data["criteria"][0]["weight"] = 80
    del data["quality"]
    data["social_value"]["quantitative_share_pct"] = 100
    for theme in data["social_value"]["themes"]:
        theme.pop("questions", None)
    measures_only = tmp_path / "measures-only.yaml"
    measures_only.write_text(yaml.safe_dump(data), encoding="utf-8")
    source, problems = load_rubric(str(measures_only))
    assert source is not None, problems
    assert nothing_to_score(source.rubric) == (
        f"rubric {source.rubric.id} has no written questions: there is nothing for a panel to score"
    )
    code, _, err = run("panel", "prepare", example_tender.bids_dir, "--rubric", measures_only, "--evaluators", "A. Shah",
                       "-o", tmp_path / "panel")  # fmt: skip
    assert code == 2 and "there is nothing for a panel to score" in err and not (tmp_path / "panel").exists()
