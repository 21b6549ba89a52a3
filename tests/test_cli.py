"""The command line as a user meets it: help that teaches, rubric commands, templates, a real install."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from socialvalue.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, list(args))
    return res.exit_code, res.output


def test_help_teaches_the_workflow() -> None:
    code, out = run("--help")
    assert code == 0
    for word in ("rubric", "template", "score", "Exit codes"):
        assert word in out


def test_help_starts_fast() -> None:
    """Heavy libraries are imported inside commands; `--help` stays light (target 0.3 s)."""
    cmd = [
        sys.executable,
        "-c",
        "import sys; from socialvalue.cli import main; sys.argv=['socialvalue','--help']; main()",
    ]
    best = min(_timed(cmd) for _ in range(3))
    assert best < 0.6, f"--help took {best:.2f}s"  # generous under a loaded CI; the benchmark reports the real figure
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from socialvalue.cli import main"], capture_output=True, text=True
    ).stderr
    for heavy in ("pandas", "openpyxl", "xlsxwriter", "pydantic"):
        assert f" {heavy}\n" not in out and f"| {heavy}\n" not in out, f"{heavy} imported at start-up"


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def test_rubric_list_and_show() -> None:
    code, out = run("rubric", "list")
    assert code == 0
    assert "nhs-net-zero-sv" in out and "local-measures" in out and "hybrid-commitments-plan" in out
    code, out = run("rubric", "show", "local-measures")
    assert code == 0
    assert "LE01" in out and "£20,000.00/FTE-year" in out and "ILLUSTRATIVE" in out


def test_rubric_check_reports_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\ntitle: Bad\npolicy: ppn-002\ncriteria:\n"
        "  - {id: price, name: Price, kind: price, weight: 95}\n"
        "  - {id: sv, name: SV, kind: social_value, weight: 5}\n"
        "social_value:\n  quantitative_share_pct: 0\n  themes:\n"
        "    - {id: t, name: T, questions: [{code: Q1, text: Q, weight: 100}]}\n"
    )
    code, out = run("rubric", "check", str(bad), "local-measures")
    assert code == 2
    assert f"{bad}:4 (criteria): policy ppn-002 requires social value" in out
    assert "local-measures: OK" in out


def test_schema_command_prints_json_schema() -> None:
    code, out = run("rubric", "schema")
    assert code == 0
    assert '"title": "socialvalue rubric"' in out


def test_template_is_protected_with_unlocked_inputs(tmp_path: Path) -> None:
    out = tmp_path / "response.xlsx"
    code, text = run("template", "--rubric", "local-measures", "-o", str(out))
    assert code == 0, text
    wb = load_workbook(out)
    assert wb.sheetnames == ["Instructions", "Supplier", "Commitments", "Method statements", "_socialvalue"]
    assert wb["_socialvalue"].sheet_state == "veryHidden"
    ws = wb["Commitments"]
    assert ws.protection.sheet
    assert ws["A4"].value == "LE01" and ws["A4"].protection.locked
    assert ws["E4"].protection.locked is False  # the quantity cell
    assert any("E4" in str(dv.sqref) for dv in ws.data_validations.dataValidation)
    meta = {r[0].value: r[1].value for r in wb["_socialvalue"].iter_rows()}
    assert meta["rubric_id"] == "local-measures" and len(meta["rubric_fingerprint"]) == 64
    assert "ILLUSTRATIVE" in " ".join(str(c.value) for c in wb["Instructions"]["A"] if c.value)


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    code, _ = run("score", str(tmp_path), "--rubric", "local-measures")  # no -o
    assert code == 2
    code, out = run("template", "--rubric", "nope", "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and "no such rubric" in out
    code, out = run(
        "score", str(tmp_path), "--rubric", "local-measures", "-o", str(tmp_path / "r.xlsx"), "--jobs", "-1"
    )
    assert code == 2 and "--jobs" in out


def test_score_reads_in_parallel_by_default_with_the_same_results(tmp_path: Path) -> None:
    """--jobs defaults to one process per core; the JSON written is the same as with --jobs 1."""
    import json
    import shutil

    from socialvalue.example import build_example

    made = build_example(tmp_path / "ex")
    bids = tmp_path / "many"
    bids.mkdir()
    for i in range(10):  # 40+ files: enough to be spread over processes
        for src in made.bids_dir.iterdir():
            shutil.copy(src, bids / f"{i:02d}-{src.name}")
    outputs = {}
    for label, extra in (("default", []), ("one", ["--jobs", "1"])):
        code, out = run(
            "score", str(bids), "--rubric", "hybrid-commitments-plan", "--evaluations", str(made.consensus),
            "-o", str(tmp_path / f"{label}.xlsx"), "--json", str(tmp_path / f"{label}.json"), *extra,
        )  # fmt: skip
        assert code == 1, out  # the example has a bid with mistakes: results written, exit 1
        data = json.loads((tmp_path / f"{label}.json").read_text())
        data.pop("created", None)
        outputs[label] = data
    assert outputs["default"]["bids"] == outputs["one"]["bids"]
    assert outputs["default"]["problems"] == outputs["one"]["problems"]


@pytest.mark.slow
def test_non_editable_install_runs_from_anywhere(tmp_path: Path) -> None:
    """A wheel installed into a fresh venv finds its built-in rubrics and templates from another folder."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", str(ROOT)], check=True, capture_output=True, timeout=600
    )
    exe = env_dir / "bin" / "socialvalue"
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def sv(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(exe), *args], cwd=work, capture_output=True, text=True, env=env, timeout=300)

    listed = sv("rubric", "list")
    assert listed.returncode == 0 and "hybrid-commitments-plan" in listed.stdout
    made = sv("example", "tender")
    assert made.returncode == 0, made.stderr
    scored = sv(
        "score",
        "tender/bids",
        "--rubric",
        "hybrid-commitments-plan",
        "--evaluations",
        "tender/consensus.xlsx",
        "-o",
        "results.xlsx",
    )
    assert scored.returncode == 1, scored.stderr  # the example includes a bid with mistakes
    wb = load_workbook(work / "results.xlsx", read_only=True)
    assert wb.sheetnames == [
        "Summary", "Social value", "Commitments", "Readings", "Measures", "Questions", "Gates", "Errors", "Method",
        "Audit",
    ]  # fmt: skip
    where = subprocess.run(
        [str(py), "-c", "import socialvalue; print(socialvalue.__file__)"], cwd=work, capture_output=True, text=True
    )
    assert str(env_dir) in where.stdout
