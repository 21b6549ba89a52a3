"""Never lose a person's work: outputs replaced whole and together, people's entries kept, failures one clear line.

Every test runs ``socialvalue`` as a user does (a separate process on real files made with the
project's template and fill helpers), and checks the message, the exit code and that no earlier
file lost a byte.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from socialvalue import layout as L
from socialvalue.example import ExampleTender, example_spec
from socialvalue.fill import fill_consensus, fill_evaluator
from socialvalue.intake.consensus import UNDER_REVIEW, read_consensus
from socialvalue.problems import Severity
from socialvalue.rubric import load_rubric
from tests.clirun import assert_kept, one_line_error, popen, snapshot, sv, temporaries

RUBRIC = "hybrid-commitments-plan"
PANEL = ("A. Shah", "B. Jones", "C. Lee")


def agreed_scores() -> dict[tuple[str, str], tuple[float, str]]:
    """What the moderation meeting agreed in the example tender: (bid file, question) → (score, reason)."""
    return {(b["file"], c): (s[0], s[1]) for b in example_spec()["bids"] for c, s in b.get("scores", {}).items()}


def marks(evaluator: str) -> dict[tuple[str, str], tuple[float, str]]:
    """Each evaluator's own marks: the agreed score, except C. Lee, two steps apart on Northwest SV1."""
    out = {key: (score, f"{evaluator}: {reason}") for key, (score, reason) in agreed_scores().items()}
    if evaluator == "C. Lee":
        out[("northwest-facilities.xlsx", "SV1")] = (4, "C. Lee: commits to local recruitment and annual reporting")
    return out


def consensus_sheet(path: Path) -> dict[tuple[str, str], tuple[object, object, object]]:
    """(bid, question) → (consensus score, reason, 'For discussion' note) as an officer reads them."""
    ws = load_workbook(path)[L.CONSENSUS]
    return {
        (str(r[0]), str(r[2])): (r[4], r[5], r[7] if len(r) > 7 else None)
        for r in ws.iter_rows(min_row=L.FIRST_DATA_ROW, values_only=True)
        if r[0]
    }


def under_review(moderation: Path) -> set[tuple[str, str]]:
    """(bid, question) of the consensus scores that reading the workbook for scoring warns are still marked for review."""
    source = load_rubric(RUBRIC)[0]
    assert source is not None
    bids = {bid for bid, _ in agreed_scores()}
    scores, problems, _ = read_consensus(moderation, source.rubric, bids)
    assert {(s.bid_id, s.code) for s in scores} == set(agreed_scores())  # used as entered
    marked = [p for p in problems if p.is_(UNDER_REVIEW)]
    assert all(p.severity is Severity.WARNING and p.sheet == L.CONSENSUS for p in marked)
    ws = load_workbook(moderation)[L.CONSENSUS]
    at = {f"{L.CON_SCORE.letter}{r[0].row}": (str(r[0].value), str(r[2].value)) for r in ws.iter_rows() if r[0].value}
    return {at[p.cell] for p in marked}


# --- 1. the moderation meeting's work survives a re-collect ------------------------------------------


@pytest.fixture
def panel_run(example_tender: ExampleTender, tmp_path: Path) -> Path:
    """A panel prepared from the example bids; A. Shah and B. Jones have returned their workbooks."""
    res = sv("panel", "prepare", example_tender.bids_dir, "--rubric", RUBRIC, "--evaluators", ",".join(PANEL),
             "-o", "panel", cwd=tmp_path)  # fmt: skip
    assert res.returncode == 1, res.stderr  # the example holds a file that is not a workbook: left out, listed
    for name in PANEL[:2]:
        made = tmp_path / "panel" / f"evaluator-{name.lower().replace('. ', '-')}.xlsx"
        fill_evaluator(made, tmp_path / "returned" / made.name, marks(name))
    return tmp_path


def test_recollect_keeps_every_consensus_entry_and_marks_what_changed(panel_run: Path) -> None:
    work = panel_run
    first = sv("panel", "collect", "returned", "--rubric", RUBRIC, "-o", "moderation.xlsx", cwd=work)
    assert first.returncode == 1, first.stderr  # C. Lee has not returned yet: named as a problem
    assert "no usable workbook from C. Lee" in first.stderr
    moderation = work / "moderation.xlsx"
    agreed = agreed_scores()
    fill_consensus(moderation, moderation, agreed)  # the meeting records its scores and reasons
    entered = consensus_sheet(moderation)
    assert {k: v[:2] for k, v in entered.items()} == agreed
    before = snapshot(work)

    # C. Lee's workbook arrives late; the panel collects again into the same moderation workbook
    late = work / "panel" / "evaluator-c-lee.xlsx"
    fill_evaluator(late, work / "returned" / late.name, marks("C. Lee"))
    again = sv("panel", "collect", "returned", "--rubric", RUBRIC, "-o", "moderation.xlsx", cwd=work)
    assert again.returncode == 0, again.stderr
    assert (
        f"Kept {len(agreed)} consensus entries already in moderation.xlsx; {len(agreed)} marked for review"
        in again.stdout
    )
    assert_kept(before, changed=[moderation])
    now = consensus_sheet(moderation)
    assert {k: v[:2] for k, v in now.items()} == agreed  # every score and reason, exactly as entered
    note = str(now[("northwest-facilities.xlsx", "SV1")][2])
    assert "Review: since this consensus was entered, C. Lee's score (4) was added" in note
    assert "Discuss: scores 2 scale steps apart" in note
    wb = load_workbook(moderation)
    assert wb[L.MODERATION].cell(L.HEADER_ROW, len(L.MODERATION_COLUMNS) + 3).value == "C. Lee"

    # scoring from it now uses each kept entry as entered, but says which ones nobody has re-checked
    assert under_review(moderation) == set(agreed)

    # nothing new: the entries and the marks stay (nobody has reviewed yet)
    assert sv("panel", "collect", "returned", "--rubric", RUBRIC, "-o", "moderation.xlsx", cwd=work).returncode == 0
    assert "C. Lee's score (4) was added" in str(consensus_sheet(moderation)[("northwest-facilities.xlsx", "SV1")][2])

    # the meeting reviews one row and records a new reason: that row's mark goes, the others stay
    reviewed = ("northwest-facilities.xlsx", "SV1")
    fill_consensus(moderation, moderation, {reviewed: (3, "Reviewed with C. Lee's marks: a plan, but few dates.")})
    third = sv("panel", "collect", "returned", "--rubric", RUBRIC, "-o", "moderation.xlsx", cwd=work)
    assert third.returncode == 0, third.stderr
    after = consensus_sheet(moderation)
    assert after[reviewed][:2] == (3, "Reviewed with C. Lee's marks: a plan, but few dates.")
    assert "Review" not in str(after[reviewed][2])
    assert "Review" in str(after[("mersey-care-services.xlsx", "Q1")][2])
    assert under_review(moderation) == set(agreed) - {reviewed}

    # --overwrite starts afresh, as asked
    fresh = sv("panel", "collect", "returned", "--rubric", RUBRIC, "-o", "moderation.xlsx", "--overwrite", cwd=work)
    assert fresh.returncode == 0, fresh.stderr
    assert all(reason is None for _, reason, _ in consensus_sheet(moderation).values())


def test_an_entry_whose_evaluator_workbook_was_withdrawn_is_kept(panel_run: Path) -> None:
    work = panel_run
    assert sv("panel", "collect", "returned", "--rubric", RUBRIC, "-o", "m.xlsx", cwd=work).returncode == 1
    fill_consensus(work / "m.xlsx", work / "m.xlsx", agreed_scores())
    (work / "returned" / "evaluator-b-jones.xlsx").unlink()  # sent in error; taken out of the folder
    res = sv("panel", "collect", "returned", "--rubric", RUBRIC, "-o", "m.xlsx", cwd=work)
    assert res.returncode == 1, res.stderr
    now = consensus_sheet(work / "m.xlsx")
    assert {k: v[:2] for k, v in now.items()} == agreed_scores()
    assert "B. Jones's score was removed" in str(now[("mersey-care-services.xlsx", "Q1")][2])


def test_a_moderation_workbook_of_another_panel_is_not_replaced(panel_run: Path, example_tender: ExampleTender) -> None:
    """Another preparation (other bid files) is another moderation: its entries cannot be carried, so it is refused."""
    work = panel_run
    assert sv("panel", "collect", "returned", "--rubric", RUBRIC, "-o", "m.xlsx", cwd=work).returncode == 1
    fill_consensus(work / "m.xlsx", work / "m.xlsx", agreed_scores())
    bids = work / "fewer-bids"
    bids.mkdir()
    shutil.copy(example_tender.bids_dir / "mersey-care-services.xlsx", bids)
    assert (
        sv("panel", "prepare", bids, "--rubric", RUBRIC, "--evaluators", "A. Shah", "-o", "other", cwd=work).returncode
        == 0
    )
    fill_evaluator(work / "other" / "evaluator-a-shah.xlsx", work / "other-returned" / "evaluator-a-shah.xlsx",
                   {("mersey-care-services.xlsx", "Q1"): (4, "fine"), ("mersey-care-services.xlsx", "SV1"): (4, "fine")})  # fmt: skip
    before = snapshot(work)
    res = sv("panel", "collect", "other-returned", "--rubric", RUBRIC, "-o", "m.xlsx", cwd=work)
    assert res.returncode == 2
    line = one_line_error(res)
    assert "refusing to replace m.xlsx: it holds 16 entries people typed in" in line
    assert "the moderation of another panel" in line and "--overwrite" in line
    assert_kept(before)


def test_template_refuses_to_replace_a_filled_consensus_workbook(example_tender: ExampleTender, tmp_path: Path) -> None:
    shutil.copy(example_tender.consensus, tmp_path / "consensus.xlsx")
    before = snapshot(tmp_path)
    res = sv(
        "template", "--rubric", RUBRIC, "--evaluation", example_tender.bids_dir, "-o", "consensus.xlsx", cwd=tmp_path
    )
    assert res.returncode == 2
    assert "refusing to replace consensus.xlsx: it holds 16 entries people typed in (8 in 'Consensus score', " \
           "8 in 'Reason for the score'); write to another file, or add --overwrite" in one_line_error(res)  # fmt: skip
    assert_kept(before)
    # a workbook someone made elsewhere is never taken for ours
    budget = tmp_path / "budget.xlsx"
    shutil.copy(example_tender.bids_dir / "mersey-care-services.xlsx", budget)
    res = sv("score", example_tender.bids_dir, "--rubric", RUBRIC, "-o", budget, cwd=tmp_path)
    assert res.returncode == 2 and "it holds" in one_line_error(res)
    assert_kept(before)
    (tmp_path / "my-rubric.yaml").write_text("id: mine\n", encoding="utf-8")  # given as the output by mistake
    before = snapshot(tmp_path)
    res = sv("template", "--rubric", RUBRIC, "-o", "my-rubric.yaml", cwd=tmp_path)
    assert res.returncode == 2 and "it is not a kind of file socialvalue writes" in one_line_error(res)
    assert_kept(before)
    res = sv("template", "--rubric", RUBRIC, "--evaluation", example_tender.bids_dir, "-o", "consensus.xlsx",
             "--overwrite", cwd=tmp_path)  # fmt: skip
    assert res.returncode == 1, res.stderr  # replaced, as asked; the not-a-workbook file is listed
    assert all(score is None for score, _, _ in consensus_sheet(tmp_path / "consensus.xlsx").values())


# --- 2. an output that cannot be written: one line, exit 3, nothing changed -----------------------


@pytest.fixture(scope="module")
def scored_once(example_tender: ExampleTender, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scored")
    bids = folder / "bids"
    bids.mkdir()
    for name in ("mersey-care-services.xlsx", "northwest-facilities.xlsx", "wirral-community-cic.xlsx"):
        shutil.copy(example_tender.bids_dir / name, bids)
    shutil.copy(example_tender.consensus, folder / "consensus.xlsx")
    res = sv(*SCORE, cwd=folder)
    assert res.returncode == 0, res.stderr
    return folder


@pytest.fixture
def scored(scored_once: Path, tmp_path: Path) -> Path:
    """A folder holding three clean bids, the panel's scores, and a first run's results with their JSON and CSV."""
    folder = tmp_path / "tender"
    shutil.copytree(scored_once, folder)
    return folder


SCORE = ("score", "bids", "--rubric", RUBRIC, "--evaluations", "consensus.xlsx", "-o", "out/results.xlsx",
         "--json", "out/results.json", "--csv", "out/results.csv")  # fmt: skip


def test_a_read_only_results_file_is_not_replaced(scored: Path) -> None:
    before = snapshot(scored)
    (scored / "out" / "results.xlsx").chmod(0o444)
    res = sv(*SCORE, cwd=scored)
    assert res.returncode == 3
    assert one_line_error(res) == (
        "Error: cannot replace out/results.xlsx: the file is read-only; make it writable or choose another name, "
        "and run again"
    )
    assert_kept(before)
    assert not temporaries(scored)


def test_a_results_file_open_in_excel_is_named(scored: Path) -> None:
    (scored / "out" / "~$results.xlsx").write_bytes(b"\x00owner")  # Excel's lock file while the workbook is open
    before = snapshot(scored)
    res = sv(*SCORE, cwd=scored)
    assert res.returncode == 3
    line = one_line_error(res)
    assert "cannot replace out/results.xlsx: it is open in Excel or another program" in line
    assert "close it and run again" in line
    assert_kept(before)


def test_a_full_disk_leaves_the_previous_outputs_whole(scored: Path) -> None:
    """Writing stops with 'file too large' after 10 kB (as a full disk would stop it): the old set stays."""
    before = snapshot(scored)

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))

    res = sv(*SCORE, "--jobs", "1", cwd=scored, preexec_fn=small_disk)
    assert res.returncode == 3
    line = one_line_error(res)
    assert line.startswith("Error: cannot write out/results.xlsx: the disk is full"), line
    assert_kept(before)
    assert not temporaries(scored)


@pytest.mark.parametrize("command", ["template", "panel prepare", "summaries", "score"])
def test_a_read_only_folder_is_one_line_and_exit_3(command: str, scored: Path) -> None:
    locked = scored / "locked"
    locked.mkdir()
    args = {
        "template": ("template", "--rubric", RUBRIC, "-o", locked / "response.xlsx"),
        "panel prepare": ("panel", "prepare", "bids", "--rubric", RUBRIC, "--evaluators", "A. Shah", "-o", locked),
        "summaries": ("summaries", "out/results.json", "-o", locked / "letters"),
        "score": ("score", "bids", "--rubric", RUBRIC, "--evaluations", "consensus.xlsx", "-o", locked / "r.xlsx"),
    }[command]
    locked.chmod(0o555)
    before = snapshot(scored)
    try:
        res = sv(*args, cwd=scored)
    finally:
        locked.chmod(0o755)
    assert res.returncode == 3, res.stderr
    line = one_line_error(res)
    assert "is read-only" in line and "locked" in line
    assert_kept(before)
    assert not any(locked.iterdir())


# --- 5. the files of one run replaced together --------------------------------------------------------


def _bid_count(folder: Path) -> tuple[int, int, int]:
    """Bids in results.xlsx (Summary rows), results.json and results.csv: the three must agree."""
    data = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    rows = (folder / "results.csv").read_text(encoding="utf-8").splitlines()
    summary = CalamineWorkbook.from_path(str(folder / "results.xlsx")).get_sheet_by_name("Summary").to_python()
    in_xlsx = sum(1 for r in summary if any(isinstance(c, str) and c.endswith(".xlsx") for c in r))
    return in_xlsx, len(data["bids"]), len(rows) - 1


def test_ctrl_c_mid_write_leaves_the_whole_previous_set_or_the_whole_new_one(
    example_tender: ExampleTender, tmp_path: Path
) -> None:
    """Ctrl-C (SIGINT to the command and its workers) while a large batch's outputs are being written."""
    small, large = tmp_path / "small", tmp_path / "large"
    small.mkdir()
    large.mkdir()
    clean = ("mersey-care-services.xlsx", "northwest-facilities.xlsx", "wirral-community-cic.xlsx")
    for name in clean:
        shutil.copy(example_tender.bids_dir / name, small)
    for i in range(100):  # 300 bids: renamed copies of filled bids, as a large tender holds
        for name in clean:
            shutil.copy(example_tender.bids_dir / name, large / f"{i:03d}-{name}")
    out = tmp_path / "out"
    outputs = ("-o", out / "results.xlsx", "--json", out / "results.json", "--csv", out / "results.csv")
    assert sv("score", small, "--rubric", RUBRIC, *outputs, cwd=tmp_path).returncode == 1  # unscored questions
    previous = snapshot(out)
    assert _bid_count(out) == (3, 3, 3)

    interrupted: list[str] = []
    for moment in (".results.xlsx.", ".results.json.", ".results.csv."):
        proc = popen("score", large, "--rubric", RUBRIC, *outputs, "--quiet", cwd=tmp_path)
        seen = False
        while proc.poll() is None:
            if any(p.name.startswith(moment) for p in out.iterdir()):
                os.killpg(proc.pid, signal.SIGINT)
                seen = True
                break
            time.sleep(0.001)
        _, err = proc.communicate(timeout=600)
        if seen:
            interrupted.append(moment)
            assert proc.returncode == 130, err
            assert "Interrupted: no file was left half-written" in err and "Traceback" not in err
        assert not temporaries(tmp_path), f"temporary files left after Ctrl-C at {moment}"
        now = snapshot(out)
        if now == previous:
            continue  # the whole previous set
        assert all(now[p] != previous[p] for p in previous), f"a mixed set after Ctrl-C at {moment}"
        assert _bid_count(out) == (300, 300, 300)  # the whole new set
        previous = now
    assert ".results.xlsx." in interrupted  # at least while the results workbook itself was half-written


def test_a_folder_of_letters_holds_exactly_one_runs_letters(scored: Path) -> None:
    res = sv("summaries", "out/results.json", "-o", "letters", cwd=scored)
    assert res.returncode == 1, res.stderr  # written, as drafts: no tender details were given
    wirral = scored / "letters" / "assessment-summary-wirral-community-cic.docx"
    assert wirral.exists()
    (scored / "bids" / "wirral-community-cic.xlsx").unlink()  # the bidder withdrew
    assert sv(*SCORE, cwd=scored).returncode == 0
    res = sv("summaries", "out/results.json", "-o", "letters", cwd=scored)
    assert res.returncode == 1, res.stderr
    assert sorted(p.name for p in (scored / "letters").iterdir()) == [
        "assessment-summary-mersey-care-services.docx",
        "assessment-summary-mersey-care-services.html",
        "assessment-summary-northwest-facilities.docx",
        "assessment-summary-northwest-facilities.html",
        "evaluation-report.docx",
        "evaluation-report.html",
    ]
    # a folder holding someone's own files is not replaced
    (scored / "letters" / "notes from the meeting.docx").write_bytes(b"mine")
    before = snapshot(scored)
    res = sv("summaries", "out/results.json", "-o", "letters", cwd=scored)
    assert res.returncode == 2
    assert "it holds files this command did not make (notes from the meeting.docx)" in one_line_error(res)
    assert_kept(before)


def test_a_stale_temporary_file_is_removed_by_the_next_run(scored: Path) -> None:
    stale = scored / "out" / ".results.xlsx.999999999.abc123.part"  # no process has that id
    stale.write_bytes(b"half a workbook")
    live = scored / "out" / f".results.xlsx.{os.getpid()}.abc123.part"  # this test process is alive
    live.write_bytes(b"someone else's write in progress")
    assert sv(*SCORE, cwd=scored).returncode == 0
    assert not stale.exists()
    assert live.exists()
