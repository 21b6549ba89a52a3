"""Score a folder of returned bids: every file is read (in parallel if asked), scored, and accounted for.

The library entry point behind ``socialvalue score``: no terminal, no exit codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from socialvalue.bid import Bid, PanelScore
from socialvalue.intake.bid_reader import BidReading, read_bid
from socialvalue.intake.consensus import read_consensus
from socialvalue.intake.guard import guard_file
from socialvalue.intake.names import look_alikes
from socialvalue.output.atomic import is_system_file
from socialvalue.problems import Problem, Severity, define
from socialvalue.records import few_collections
from socialvalue.rubric import Rubric, RubricSource, ValueSet
from socialvalue.scoring import BidScorer, ScoredBid, TenderResult, compare_bids
from socialvalue.scoring.decision import decide
from socialvalue.scoring.flags import InputErrors, LookAlike

CHUNK = 16
"""Files per task when reading in parallel (per-task overhead is about one read)."""


@dataclass
class Batch:
    """Everything one scoring run read and produced."""

    source: RubricSource
    files: list[Path]
    readings: list[BidReading]
    result: TenderResult
    problems: list[Problem] = field(default_factory=list)
    evaluations: list[tuple[str, str]] = field(default_factory=list)  # (file, sha256)

    @property
    def bids(self) -> list[Bid]:
        return [r.bid for r in self.readings if r.bid is not None]

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)

    @cached_property
    def _outcomes(self) -> dict[str, str]:
        return {b.file: b.status.value for b in self.result.bids}

    def outcome(self, file: str) -> str:
        """What became of one input file: its bid's status, or why it is not a bid."""
        return self._outcomes.get(file, "not a bid")


SUBFOLDER_SKIPPED = define(
    "subfolder-skipped",
    Severity.WARNING,
    "a folder inside the bids folder was not read: put each bid file directly in the bids folder",
)
SYSTEM_FILE_SKIPPED = define(
    "system-file-skipped",
    Severity.INFO,
    "a file Windows or macOS makes by itself (thumbnails, folder settings), not a bid: skipped",
)
LOCK_FILE_SKIPPED = define(
    "lock-file-skipped", Severity.INFO, "an Excel lock file (left while a workbook is open), not a bid: skipped"
)
HIDDEN_FILE_SKIPPED = define(
    "hidden-file-skipped",
    Severity.INFO,
    "a hidden system file (its name starts with a dot, e.g. .DS_Store), not a bid: skipped",
)
READER_CRASHED = define(
    "reader-crashed",
    Severity.ERROR,
    "the spreadsheet reader stopped abruptly on this file, so nothing in it was read or scored: open it in Excel, "
    "save a new copy as .xlsx and resubmit (if it happens again, send the file to the tool's maintainers)",
)


def list_bid_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """Every regular file in ``folder`` (sorted), and notes on what was set aside and why."""
    files: list[Path] = []
    notes: list[Problem] = []
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            notes.append(SUBFOLDER_SKIPPED(file=path.name))
        elif is_system_file(path.name) and not path.name.startswith(("~$", ".")):
            notes.append(SYSTEM_FILE_SKIPPED(file=path.name))
        elif path.name.startswith("~$"):
            notes.append(LOCK_FILE_SKIPPED(file=path.name))
        elif path.name.startswith("."):
            notes.append(HIDDEN_FILE_SKIPPED(file=path.name))
        elif path.is_file():
            files.append(path)
    return files, notes


def _read_chunk(
    paths: Sequence[Path], rubric: Rubric, keep_answers: bool, value_set: ValueSet | None = None
) -> list[BidReading]:
    return [read_bid(p, rubric, keep_answers=keep_answers, value_set=value_set) for p in paths]


def iter_readings(
    files: Sequence[Path],
    rubric: Rubric,
    jobs: int = 1,
    keep_answers: bool = True,
    value_set: ValueSet | None = None,
) -> Iterator[BidReading]:
    """Read every file, yielding each reading in the files' order as soon as it is ready.

    ``jobs`` > 1 reads in worker processes (at most one per :data:`CHUNK` files), :data:`CHUNK` files
    per task; the caller can work on early readings while the workers read the rest. A worker that
    dies (killed for memory, or a reader crashing on a file) does not stop the batch: see
    :func:`_read_in_pool`. ``jobs`` = 1 reads in this process, where such a crash would end it.
    """
    if jobs <= 1:
        for p in files:
            yield read_bid(p, rubric, keep_answers=keep_answers, value_set=value_set)
        return
    chunks = [list(files[i : i + CHUNK]) for i in range(0, len(files), CHUNK)]
    if chunks:
        yield from _read_in_pool(chunks, rubric, min(jobs, len(chunks)), keep_answers, value_set)


def _read_in_pool(
    chunks: Sequence[Sequence[Path]], rubric: Rubric, jobs: int, keep_answers: bool, value_set: ValueSet | None
) -> Iterator[BidReading]:
    """Read the chunks in a pool of ``jobs`` processes. When the pool breaks, the first chunk it did not
    finish is read a file at a time, each in a process of its own (so a file that kills its reader is
    found and reported), and the chunks after it go on in a fresh pool."""
    broken = len(chunks)
    with ProcessPoolExecutor(max_workers=jobs, initializer=_leave_interrupts_to_the_parent) as pool:
        futures = [pool.submit(_read_chunk, chunk, rubric, keep_answers, value_set) for chunk in chunks]
        try:
            for i, future in enumerate(futures):
                try:
                    readings = future.result()
                except BrokenProcessPool:
                    broken = i
                    break
                yield from readings
        except BaseException:  # Ctrl-C, or the caller stopped early: do not read the chunks not yet started
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    if broken == len(chunks):
        return
    for path in chunks[broken]:
        yield _read_alone(path, rubric, keep_answers, value_set)
    if broken + 1 < len(chunks):
        yield from _read_in_pool(chunks[broken + 1 :], rubric, jobs, keep_answers, value_set)


def _leave_interrupts_to_the_parent() -> None:
    """Workers ignore Ctrl-C: the parent stops the pool and says so once (no traceback from each worker)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _read_alone(path: Path, rubric: Rubric, keep_answers: bool, value_set: ValueSet | None) -> BidReading:
    """Read one file in a process of its own; if that process dies, the file is reported and the batch goes on."""
    with ProcessPoolExecutor(max_workers=1, initializer=_leave_interrupts_to_the_parent) as one:
        try:
            return one.submit(_read_chunk, [path], rubric, keep_answers, value_set).result()[0]
        except BrokenProcessPool:
            pass
    return BidReading(path.name, guard_file(path).sha256, None, [READER_CRASHED(file=path.name)])


def read_bids(
    files: Sequence[Path],
    rubric: Rubric,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    keep_answers: bool = True,
    value_set: ValueSet | None = None,
) -> list[BidReading]:
    """Read every file; ``jobs`` > 1 spreads the reading over processes. Results keep the files' order.

    ``keep_answers=False`` keeps each written answer's word count but not its text: scoring needs no
    more, and a batch's memory then grows with the scores, not with what bidders wrote.
    """
    out = []
    for reading in iter_readings(files, rubric, jobs, keep_answers, value_set):
        out.append(reading)
        if progress:
            progress(1)
    return out


def duplicate_suppliers(bids: Sequence[Bid]) -> list[Problem]:
    """Bids that look like the same supplier (company number, look-alike name), the same file or the same
    answers: one warning per bid per sign (see :mod:`socialvalue.intake.names`). Flagged, never excluded."""
    from .intake.names import look_alikes

    return [a.problem for a in look_alikes(bids)]


def score_folder(
    folder: Path,
    source: RubricSource,
    evaluations: Sequence[Path] = (),
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Batch:
    """Read, validate and score every file in ``folder``; nothing is dropped silently."""
    files, notes = list_bid_files(folder)
    return score_files(files, source, evaluations, jobs, progress, notes)


def score_files(
    files: Sequence[Path],
    source: RubricSource,
    evaluations: Sequence[Path] = (),
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    notes: Sequence[Problem] = (),
    each: Callable[[ScoredBid], None] | None = None,
) -> Batch:
    """Read, validate and score ``files``; with ``jobs`` > 1 the reading is spread over processes.

    ``each`` is given every bid as soon as it is scored on its own (before the comparison), in bid-file order
    (the order of the scored tender's lines), while the workers read on: :func:`score_to_outputs` writes each
    bid's rows of the results workbook so.
    """
    with few_collections():
        return _score_files(files, source, evaluations, jobs, progress, notes, each)


class _InTurn:
    """Hands scored bids on in bid-file order, each as soon as its turn comes (at once for files given sorted)."""

    def __init__(self, files: Sequence[Path], each: Callable[[ScoredBid], None] | None) -> None:
        names = [p.name for p in files]
        self.turns = sorted(range(len(names)), key=names.__getitem__)
        self.each, self.next = each, 0
        self.held: dict[int, ScoredBid | None] = {}

    def __call__(self, position: int, scored: ScoredBid | None) -> None:
        if self.each is None:
            return
        self.held[position] = scored
        while self.next < len(self.turns) and self.turns[self.next] in self.held:
            ready = self.held.pop(self.turns[self.next])
            self.next += 1
            if ready is not None:
                self.each(ready)


def _score_files(
    files: Sequence[Path],
    source: RubricSource,
    evaluations: Sequence[Path],
    jobs: int,
    progress: Callable[[int], None] | None,
    notes: Sequence[Problem],
    each: Callable[[ScoredBid], None] | None,
) -> Batch:
    rubric = source.rubric
    problems: list[Problem] = list(notes)
    # the panel's scores first (bids are known by their file names), so each bid is scored as it is read
    panel: list[PanelScore] = []
    evaluated: list[tuple[str, str]] = []
    ids = {p.name for p in files}
    for path in evaluations:
        scores, eval_problems, digest = read_consensus(path, rubric, ids)
        panel += scores
        problems += eval_problems
        evaluated.append((path.name, digest))
    score = BidScorer(rubric, source.value_set, panel)
    readings: list[BidReading] = []
    scored: list[ScoredBid] = []
    in_turn = _InTurn(files, each)
    for position, r in enumerate(iter_readings(files, rubric, jobs, keep_answers=False, value_set=source.value_set)):
        readings.append(r)
        problems += r.problems
        one = None
        if r.bid is not None:
            one = score(r.bid)
            errors = sum(1 for p in r.problems if p.severity is Severity.ERROR)
            if errors:
                one.result.flags.insert(0, InputErrors(count=errors))
            scored.append(one)
        in_turn(position, one)
        if progress:
            progress(1)
    bids = [r.bid for r in readings if r.bid is not None]
    results = {s.result.file: s.result for s in scored}
    for alike in look_alikes(bids):  # listed once, flagged on both bids' rows, never excluded
        problems.append(alike.problem)
        for this, other in ((alike.file, alike.other), (alike.other, alike.file)):
            results[this].flags.append(LookAlike(other=other, sign=alike.kind))
    unreadable = {r.file: r.sha256 for r in readings if r.bid is None}
    result = compare_bids(rubric, source.value_set, scored, unreadable)
    result.decision = decide(rubric, source.value_set, bids, panel, result)
    problems += result.problems
    result.problems = problems
    return Batch(
        source=source, files=list(files), readings=readings, result=result, problems=problems, evaluations=evaluated
    )


@dataclass
class ConsensusTemplate:
    """What :func:`consensus_template` read: its workbook holds the readable bids (none written when there are none)."""

    readings: list[BidReading]

    @property
    def bids(self) -> list[Bid]:
        return [r.bid for r in self.readings if r.bid is not None]

    @property
    def left_out(self) -> list[BidReading]:
        """Files that are not readable bids (each with its problems)."""
        return [r for r in self.readings if r.bid is None]


def consensus_template(
    files: Sequence[Path], rubric: Rubric, target: Path, inputs: Sequence[Path] = (), overwrite: bool = False
) -> ConsensusTemplate:
    """Read ``files`` as bids and write the panel's consensus score workbook for the readable ones to ``target``
    (``template --consensus-for`` and the example tender both make it this way)."""
    from .output.atomic import together
    from .output.consensus import write_consensus_template

    made = ConsensusTemplate(read_bids(files, rubric))
    if made.bids:
        with together(overwrite=overwrite):
            write_consensus_template(rubric, made.bids, target, inputs=inputs)
    return made


@dataclass
class Outputs:
    """Where :func:`score_to_outputs` writes: the results workbook, and JSON and CSV copies ('-': standard output)."""

    results: Path
    json: Path | None = None
    csv: Path | None = None
    inputs: Sequence[Path] = ()
    """Files never written over (the bids, the panel's scores, the rubric)."""
    rubric_file: str = ""
    command: str = ""
    """The command line, for the Audit sheet."""


def score_to_outputs(
    files: Sequence[Path],
    source: RubricSource,
    outputs: Outputs,
    evaluations: Sequence[Path] = (),
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    notes: Sequence[Problem] = (),
) -> Batch:
    """Score ``files`` and write the results workbook (each bid's rows as it is scored, while the workers read
    the next; the ranked sheets when all are compared), then the JSON and CSV. Each output is written atomically;
    inside :func:`~socialvalue.output.atomic.together` they replace their targets together."""
    from socialvalue.output.export import write_csv, write_json
    from socialvalue.output.results import AuditInfo, open_results

    with open_results(outputs.results, source.rubric, source.value_set, outputs.inputs) as book:
        batch = score_files(files, source, evaluations, jobs, progress, notes, each=book.add)
        audit = AuditInfo(
            rubric_file=outputs.rubric_file,
            inputs=[(r.file, r.sha256, batch.outcome(r.file)) for r in batch.readings],
            evaluations=batch.evaluations,
            command=outputs.command,
        )
        book.finish(batch.result, batch.problems, audit)
    if outputs.json:
        write_json(batch.result, outputs.json, outputs.inputs)
    if outputs.csv:
        write_csv(batch.result, outputs.csv, outputs.inputs)
    return batch
