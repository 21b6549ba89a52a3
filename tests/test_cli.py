"""The command line as a user meets it: help that teaches and names exit codes, clear refusals, a real install.

Behaviour that matters to a user is tested by running ``socialvalue`` in a separate process on real
files (``tests/clirun.py``): the message, the exit code, and that no earlier file lost a byte.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from socialvalue.cli import main
from socialvalue.example import ExampleTender
from socialvalue.exitcodes import MEANING, ExitCode
from socialvalue.fill import fill_response
from tests.clirun import assert_kept, env_for, one_line_error, snapshot, sv

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = "hybrid-commitments-plan"


def run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, list(args))
    return res.exit_code, res.output


# --- help and exit codes --------------------------------------------------------------------------


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


def test_help_teaches_the_workflow() -> None:
    code, out = run("--help")
    assert code == 0
    for word in ("rubric", "template", "score", "panel", "summaries", "--overwrite", "Exit codes"):
        assert word in out


@pytest.mark.parametrize("path", _commands(main), ids=lambda p: " ".join(p) or "socialvalue")
def test_every_commands_help_names_its_exit_codes(path: tuple[str, ...]) -> None:
    code, out = run(*path, "--help")
    assert code == 0
    listed = [int(n) for n in re.findall(r"^\s+(\d+)\s{2,}", out.split("Exit codes:")[1], re.M)]
    assert listed[0] == ExitCode.OK and listed[-2:] == [ExitCode.BUG, ExitCode.INTERRUPTED]
    for n in listed:
        assert MEANING[ExitCode(n)][:40] in " ".join(out.split()), n


def test_readme_exit_code_table_matches_the_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \*\*(\d+)\*\* \| (.+?) \|$", readme, re.M)
    assert [int(n) for n, _ in rows] == [int(c) for c in ExitCode]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "test $$? -le 1" not in makefile  # the demo accepts 0 and 1 only, and passes any other code on


def test_help_imports_no_heavy_library() -> None:
    """`socialvalue --help` must start fast: what it imports is checked here, how long it takes in bench/."""
    script = (
        "import sys\nfrom socialvalue.cli import main\nsys.argv = ['socialvalue', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\nprint(' '.join(sorted(sys.modules)), file=sys.stderr)"
    )
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = set(res.stderr.split())
    heavy = {"pandas", "numpy", "openpyxl", "xlsxwriter", "pydantic", "python_calamine", "yaml", "docx", "sqlalchemy"}
    assert not heavy & loaded, f"imported at start-up: {sorted(heavy & loaded)}"
    assert "Exit codes:" in res.stdout


_ADDED_COMMANDS = textwrap.dedent(
    """
    import os, signal, sys
    import click
    from socialvalue.cli import main
    from socialvalue.exitcodes import ExitCode
    from socialvalue.output.atomic import OutputError, OutputRefused

    @click.command()
    @click.argument("what")
    def other(what):
        '''A command another part of the project adds with main.add_command.'''
        if what == "bug":
            {}["no such key"]
        if what == "locked":
            raise OutputError("cannot replace report.xlsx: it is open in Excel; close it and run again")
        if what == "refused":
            raise OutputRefused("refusing to replace report.xlsx: it holds 3 entries people typed in")
        if what == "usage":
            raise click.UsageError("give --store")
        if what == "ctrl-c":
            os.kill(os.getpid(), signal.SIGINT)
        if what == "problems":
            return ExitCode.INPUT_PROBLEMS
        click.echo("done")

    main.add_command(other)
    main()
    """
)


@pytest.mark.parametrize(
    ("what", "code", "message"),
    [
        ("fine", 0, None),
        ("problems", 1, None),
        ("usage", 2, "Error: give --store"),
        ("refused", 2, "Error: refusing to replace report.xlsx: it holds 3 entries people typed in"),
        ("locked", 3, "Error: cannot replace report.xlsx: it is open in Excel; close it and run again"),
        ("ctrl-c", 130, "Interrupted: no file was left half-written"),
        ("bug", 70, "This is a bug, please report it with this file: "),
    ],
)
def test_commands_added_by_other_parts_get_the_exit_codes(
    what: str, code: int, message: str | None, tmp_path: Path
) -> None:
    res = subprocess.run(
        [sys.executable, "-c", _ADDED_COMMANDS, "other", what],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env_for(tmp_path),
        timeout=120,
    )
    assert res.returncode == code, res.stderr
    if message is None:
        return
    assert "Traceback" not in res.stderr
    assert message in res.stderr
    if what == "bug":
        line = one_line_error(res)
        assert line.startswith("socialvalue stopped on an unexpected error (KeyError). This is a bug")
        [log] = (tmp_path / "logs").iterdir()
        assert line.endswith(str(log))
        text = log.read_text(encoding="utf-8")
        assert "Traceback" in text and "KeyError: 'no such key'" in text and "other bug" in text
    elif what != "usage":
        assert one_line_error(res) == message


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    code, _ = run("score", str(tmp_path), "--rubric", "local-measures")  # no -o
    assert code == 2
    code, out = run("template", "--rubric", "nope", "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and "no such rubric" in out
    code, out = run(
        "score", str(tmp_path), "--rubric", "local-measures", "-o", str(tmp_path / "r.xlsx"), "--jobs", "-1"
    )
    assert code == 2 and "--jobs" in out
    assert not any(tmp_path.iterdir())


# --- rubrics --------------------------------------------------------------------------------------


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


# --- 3. files saved by Windows tools: detected, or refused with a hint ---------------------------------


def _rubric_text() -> str:
    text = (ROOT / "rubrics" / "local-measures.yaml").read_text(encoding="utf-8")
    return text.replace("title: Local measures", "title: Café £ measures – Local measures", 1)


def _value_rows() -> list[list[str]]:
    import yaml

    data = yaml.safe_load((ROOT / "rubrics" / "values" / "illustrative-2026.yaml").read_text(encoding="utf-8"))
    rows = [["code", "unit", "value_gbp", "description"]]
    rows += [[v["code"], v["unit"], str(v["value_gbp"]), f"£ {v['description']} – café"] for v in data["values"]]
    return rows


def test_rubrics_and_value_sets_saved_by_windows_tools_are_read(tmp_path: Path) -> None:
    saved = {
        "utf8.yaml": _rubric_text().encode("utf-8"),
        "utf8-bom.yaml": _rubric_text().encode("utf-8-sig"),
        "notepad-ansi.yaml": _rubric_text().replace("\n", "\r\n").encode("cp1252"),
        "unicode.yaml": _rubric_text().encode("utf-16"),
    }
    for name, data in saved.items():
        (tmp_path / name).write_bytes(data)
    rows = _value_rows()
    (tmp_path / "excel-unicode-text.csv").write_bytes("\r\n".join("\t".join(r) for r in rows).encode("utf-16"))
    (tmp_path / "excel-ansi.csv").write_bytes("\r\n".join(",".join(r) for r in rows).encode("cp1252"))
    (tmp_path / "excel-utf8.csv").write_bytes("\r\n".join(",".join(r) for r in rows).encode("utf-8-sig"))
    before = snapshot(tmp_path)
    res = sv("rubric", "check", *saved, cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert all(f"{name}: OK (local-measures" in res.stdout for name in saved)
    assert res.stdout.count("read as Windows-1252") == 1
    assert (
        "notepad-ansi.yaml: read as Windows-1252 (what Notepad and Excel save as 'ANSI'), as it is not UTF-8"
        in res.stdout
    )
    for values in ("excel-unicode-text.csv", "excel-ansi.csv", "excel-utf8.csv"):
        res = sv("rubric", "show", "notepad-ansi.yaml", "--values", values, cwd=tmp_path)
        assert res.returncode == 0, res.stderr
        assert "Café £ measures – Local measures" in res.stdout and "£20,000.00/FTE-year" in res.stdout
    assert_kept(before)


def test_an_undecodable_rubric_is_refused_with_an_encoding_hint(tmp_path: Path) -> None:
    (tmp_path / "odd.yaml").write_bytes(
        _rubric_text().encode("cp1252").replace(b"\xa3", b"\x81")
    )  # £ → a byte no encoding here defines
    (tmp_path / "ansi.yaml").write_bytes(_rubric_text().encode("cp1252"))
    res = sv("rubric", "check", "odd.yaml", cwd=tmp_path)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "odd.yaml: neither UTF-8 nor Windows-1252: byte 0x81 on line 6 is not valid: save it as UTF-8, or give " \
           "its encoding with --encoding" in res.stdout  # fmt: skip
    res = sv("rubric", "check", "ansi.yaml", "--encoding", "utf-8", cwd=tmp_path)
    assert res.returncode == 2
    assert "ansi.yaml: not utf-8: byte 0xe9 on line 6 is not valid" in res.stdout
    res = sv("score", tmp_path, "--rubric", "odd.yaml", "-o", "r.xlsx", cwd=tmp_path)
    assert res.returncode == 2 and "--encoding" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "r.xlsx").exists()


# --- 6, 7: empty folders and system files ----------------------------------------------------------


def test_an_empty_bids_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "thumbs").mkdir()
    (tmp_path / "thumbs" / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    cases = [
        ("score", "empty", "--rubric", RUBRIC, "-o", "r.xlsx"),
        ("template", "--evaluation", "empty", "--rubric", RUBRIC, "-o", "c.xlsx"),
        ("panel", "prepare", "empty", "--rubric", RUBRIC, "--evaluators", "A. Shah", "-o", "panel"),
        ("panel", "collect", "empty", "--rubric", RUBRIC, "-o", "m.xlsx"),
    ]
    for args in cases:
        res = sv(*args, cwd=tmp_path)
        assert res.returncode == 2, (args, res.stderr)
        what = "evaluator workbooks" if "collect" in args else "bid files"
        assert f"Error: there are no {what} in empty (it is empty)" in res.stderr
    res = sv("score", "thumbs", "--rubric", RUBRIC, "-o", "r.xlsx", cwd=tmp_path)
    assert res.returncode == 2
    assert "there are no bid files in thumbs (only Thumbs.db, which are not bid files)" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "thumbs"]  # nothing written


def test_system_files_are_skipped_not_read_as_bids(example_tender: ExampleTender, tmp_path: Path) -> None:
    bids = tmp_path / "bids"
    bids.mkdir()
    for name in ("mersey-care-services.xlsx", "northwest-facilities.xlsx", "wirral-community-cic.xlsx"):
        shutil.copy(example_tender.bids_dir / name, bids)
    system = ("Thumbs.db", "desktop.ini", ".DS_Store", "~$mersey-care-services.xlsx", "._wirral-community-cic.xlsx")
    for name in system:
        (bids / name).write_bytes(b"\xd0\xcf\x11\xe0 system file")
    res = sv("score", "bids", "--rubric", RUBRIC, "--evaluations", example_tender.consensus, "-o", "r.xlsx",
             "--json", "r.json", cwd=tmp_path)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "Scored 3 of 3 file(s)" in res.stdout
    assert "Skipped (not bid files): " in res.stderr and "Thumbs.db" in res.stderr
    listed = {p["file"]: (p["code"], p["severity"]) for p in json.loads((tmp_path / "r.json").read_text())["problems"]}
    assert {name: listed[name][1] for name in system} == dict.fromkeys(system, "info")
    assert listed["Thumbs.db"][0] == listed["desktop.ini"][0] == "system-file-skipped"


# --- 8. the example is never written into a real tender -------------------------------------------


def test_example_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    tender = tmp_path / "real-tender"
    (tender / "bids").mkdir(parents=True)
    (tender / "bids" / "acme.xlsx").write_bytes(b"a real bid")
    before = snapshot(tmp_path)
    res = sv("example", tender, cwd=tmp_path)
    assert res.returncode == 2
    assert "refusing to write into" in one_line_error(res) and "choose a new or empty folder" in res.stderr
    assert_kept(before)
    assert sorted(p.name for p in tender.rglob("*")) == ["acme.xlsx", "bids"]


# --- 9. supplier text cannot forge a console line, and is kept exact ---------------------------------


def test_supplier_text_cannot_forge_console_lines_and_is_kept_exact(hybrid_template: Path, tmp_path: Path) -> None:
    bids = tmp_path / "bids"
    forged = "Acme Ltd\nERROR   bid 2 REJECTED by admin"
    fill_response(hybrid_template, bids / "acme.xlsx", supplier={"supplier_name": forged, "bid_price": 1000})
    fill_response(hybrid_template, bids / "formula.xlsx", supplier={"supplier_name": "\t=1+1", "bid_price": 1200})
    (bids / "late\nERROR   everything REJECTED\x1b[2K.xlsx").write_bytes(b"not a workbook")
    res = sv("score", "bids", "--rubric", RUBRIC, "-o", "r.xlsx", "--json", "r.json", cwd=tmp_path)
    assert res.returncode == 1
    printed = res.stdout + res.stderr
    assert not any(line.startswith("ERROR") for line in printed.splitlines())
    assert "\x1b" not in printed
    assert "Acme Ltd\\nERROR   bid 2 REJECTED by admin" in res.stdout
    assert "late\\nERROR   everything REJECTED\\x1b[2K.xlsx" in res.stderr
    assert "\\t=1+1" in res.stdout
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    suppliers = {b["file"]: b["supplier"] for b in data["bids"]}
    assert suppliers["formula.xlsx"] == "\t=1+1"  # the leading tab is kept: the text exactly as typed
    ws = load_workbook(tmp_path / "r.xlsx")["Summary"]
    [cell] = [c for row in ws.iter_rows() for c in row if c.value == "\t=1+1"]
    assert cell.data_type == "s" and cell.quotePrefix  # text, and stays text when an evaluator edits the cell
    res = sv("summaries", "r.json", "-o", "letters", cwd=tmp_path)
    assert not any(line.startswith("ERROR") for line in (res.stdout + res.stderr).splitlines())


# --- templates, parallel scoring, a real install -------------------------------------------------------


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
    code, text = run("template", "--rubric", "local-measures", "-o", str(out))  # a blank template: replaced
    assert code == 0, text


def test_score_reads_in_parallel_by_default_with_the_same_results(
    example_tender: ExampleTender, tmp_path: Path
) -> None:
    """--jobs defaults to one process per core; the JSON written is the same as with --jobs 1."""
    bids = tmp_path / "many"
    bids.mkdir()
    for i in range(10):  # 40+ files: enough to be spread over processes
        for src in example_tender.bids_dir.iterdir():
            shutil.copy(src, bids / f"{i:02d}-{src.name}")
    outputs = {}
    for label, extra in (("default", []), ("one", ["--jobs", "1"])):
        code, out = run(
            "score", str(bids), "--rubric", RUBRIC, "--evaluations", str(example_tender.consensus),
            "-o", str(tmp_path / f"{label}.xlsx"), "--json", str(tmp_path / f"{label}.json"), *extra,
        )  # fmt: skip
        assert code == 1, out  # the example has a bid with mistakes: results written, exit 1
        data = json.loads((tmp_path / f"{label}.json").read_text())
        data.pop("created", None)
        outputs[label] = data
    assert outputs["default"]["bids"] == outputs["one"]["bids"]
    assert outputs["default"]["problems"] == outputs["one"]["problems"]


def test_a_built_wheel_runs_from_anywhere(tmp_path: Path) -> None:
    """The wheel (not the source tree) finds its built-in rubrics and templates when run from another folder.

    Installed without its dependencies into a folder of its own and run with this environment's
    libraries: what is tested is the wheel's content, so no fresh environment is built.
    """
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if built.returncode != 0 and "hatchling" in built.stderr:
        pytest.skip(f"the build backend could not be installed here: {built.stderr.strip()[-200:]}")
    assert built.returncode == 0, built.stderr
    [wheel] = wheels.glob("*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**env_for(work), "PYTHONPATH": str(target)}
    env.pop("VIRTUAL_ENV", None)
    exe = [sys.executable, str(target / "bin" / "socialvalue")]

    def installed(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*exe, *args], cwd=work, capture_output=True, text=True, env=env, timeout=600)

    where = subprocess.run(
        [sys.executable, "-c", "import socialvalue; print(socialvalue.__file__)"], cwd=work, capture_output=True,
        text=True, env=env,
    )  # fmt: skip
    assert where.stdout.startswith(str(target)), where.stdout
    listed = installed("rubric", "list")
    assert listed.returncode == 0 and "hybrid-commitments-plan" in listed.stdout
    made = installed("example", "tender")
    assert made.returncode == 0, made.stderr
    scored = installed("score", "tender/bids", "--rubric", RUBRIC, "--evaluations", "tender/consensus.xlsx",
                       "-o", "results.xlsx")  # fmt: skip
    assert scored.returncode == 1, scored.stderr  # the example includes a bid with mistakes
    wb = load_workbook(work / "results.xlsx", read_only=True)
    assert wb.sheetnames == [
        "Summary", "Decision", "Social value", "Commitments", "Readings", "Measures", "Questions", "Gates", "Errors", "Method",
        "Audit",
    ]  # fmt: skip


# --- properties of the two safety helpers -----------------------------------------------------------


@given(st.text())
def test_terminal_text_is_one_line_without_control_characters(text: str) -> None:
    from socialvalue.output.safe import terminal_text

    shown = terminal_text(text)
    assert "\n" not in shown and "\r" not in shown and "\x1b" not in shown
    assert not any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in shown)
    assert "\u202e" not in shown and "\u2066" not in shown


@given(st.binary(max_size=300), st.sampled_from([None, "utf-8", "cp1252", "utf-16", "latin-1", "no-such"]))
def test_decoding_never_raises(data: bytes, encoding: str | None) -> None:
    from socialvalue.encoding import decode_text

    decoded, problem = decode_text(data, "f.csv", encoding)
    assert (decoded is None) != (problem is None)
    if problem is not None:
        assert "--encoding" in problem.reason
