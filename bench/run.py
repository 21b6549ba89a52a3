"""Benchmark `socialvalue score` on N realistic bids made from the project's own response template.

Run with ``.venv/bin/python bench/run.py --bids 1000`` (``make bench``). See bench/README.md for what each
figure means. Generated files live in bench/out/ and are reused while the rubric and generator are unchanged.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from socialvalue.rubric import RubricSource

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
GENERATOR_VERSION = "5"
"""Bump when the generated bids change, so cached ones are rebuilt."""

PROFILES = 20
"""Distinct filled bids (openpyxl is slow); the N files are renamed, re-labelled copies of these."""
NAIVE_SUBSET = 100
"""Files read by the naive pandas/openpyxl loop; its time is scaled to N."""
NAME_MARK = "BenchSupplierNameMark"
NUMBER_MARK = "BenchCompanyNumberMark"

TARGET_FLOOR_RATIO = 4.0
TARGET_SCORE_S = 5.0
TARGET_NAIVE_SPEEDUP = 10.0
TARGET_HELP_S = 0.3


# --------------------------------------------------------------------------------------------------
# the synthetic rubric: 5 themes x 12 measures, 8 written questions, 2 gates

THEMES = (
    ("employment", "Local employment and skills", "tackling-economic-inequality"),
    ("environment", "Fighting climate change", "fighting-climate-change"),
    ("community", "Community wellbeing", "wellbeing"),
    ("opportunity", "Equal opportunity", "equal-opportunity"),
    ("supply-chain", "Local and diverse supply chain", "covid-19-recovery"),
)
MEASURES_PER_THEME = 12
QUALITY_QUESTIONS = (
    "Describe how you will deliver the service to the specification, including staffing and supervision.",
    "Explain how you will mobilise the contract in the first ninety days.",
    "Describe your quality assurance, complaints handling and continuous improvement.",
    "Explain how you will manage risk, business continuity and subcontractors.",
)
SV_QUESTIONS = (
    "Give your delivery plan for the employment and skills commitments, with dates, owners and evidence.",
    "Describe how you will measure and reduce the carbon footprint of the contract.",
    "Explain how your volunteering and community commitments will reach the people who need them most.",
    "Describe how you will widen access to the jobs and training created by this contract.",
)


def rubric_data(value_codes: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    """The bench rubric as plain data. ``value_codes`` are (code, unit, description) rows of the value set."""
    themes: list[dict[str, Any]] = []
    k = 0
    for t, (theme_id, name, model_theme) in enumerate(THEMES):
        measures: list[dict[str, Any]] = []
        for i in range(MEASURES_PER_THEME):
            code, unit, description = value_codes[k % len(value_codes)]
            k += 1
            m: dict[str, Any] = {
                "code": f"M{t + 1}{i + 1:02d}",
                "description": f"{description} ({name.lower()}, commitment {i + 1})",
                "unit": unit,
                "value_ref": code,
                "deadweight_pct": (0, 10, 20, 30)[i % 4],
            }
            if i % 5 == 1:
                m["displacement_pct"] = 10
            if i % 6 == 2:
                m["attribution_pct"] = 15
            if i % 7 == 3 and i > 0:
                m["overlaps_with"] = [f"M{t + 1}{i:02d}"]
            measures.append(m)
        theme: dict[str, Any] = {"id": theme_id, "name": name, "model_theme": model_theme, "measures": measures}
        if t < len(SV_QUESTIONS):
            theme["questions"] = [
                {"code": f"SV{t + 1}", "text": SV_QUESTIONS[t], "word_limit": 1000, "weight": 25, "minimum_score": 2}
            ]
        if t == 0:
            theme["gates"] = [{"code": "G2", "text": "You publish a modern slavery statement (Yes/No)"}]
        themes.append(theme)
    return {
        "id": "bench-60-measures",
        "version": "1.0",
        "title": "Benchmark rubric: 60 measures, 8 questions, 2 gates",
        "description": "Synthetic rubric made by bench/run.py; values from illustrative-2026.",
        "policy": "none",
        "criteria": [
            {"id": "price", "name": "Price", "kind": "price", "weight": 40},
            {"id": "quality", "name": "Quality", "kind": "quality", "weight": 40},
            {"id": "social_value", "name": "Social value", "kind": "social_value", "weight": 20},
        ],
        "price_method": {"method": "lowest-over-bid"},
        "default_scale": "0-5",
        "quality": {
            "questions": [
                {"code": f"Q{i + 1}", "text": text, "word_limit": 1000, "weight": 25}
                for i, text in enumerate(QUALITY_QUESTIONS)
            ],
            "gates": [{"code": "G1", "text": "You hold the insurances required by the contract (Yes/No)"}],
        },
        "social_value": {
            "value_set": "illustrative-2026",
            "quantitative_share_pct": 50,
            "quantitative_method": {"method": "relative-to-best", "basis": "percent-of-price"},
            "score_on": "net",
            "themes": themes,
        },
        "tie_break": ["higher-quality", "higher-social-value", "lower-price"],
        "abnormally_low_pct": 20,
    }


def write_rubric(path: Path) -> RubricSource:
    """Write the bench rubric YAML (the CLI needs a file) and load it the way the CLI does."""
    import yaml

    from socialvalue.rubric import load_rubric, load_value_set

    value_set, problems = load_value_set("illustrative-2026")
    if value_set is None:
        raise SystemExit(f"cannot load the illustrative-2026 value set: {problems}")
    codes = [(v.code, v.unit, v.description) for v in value_set.values]
    text = yaml.safe_dump(rubric_data(codes), sort_keys=False, allow_unicode=True, width=200)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    source, problems = load_rubric(str(path))
    if source is None:
        raise SystemExit("the bench rubric does not load:\n" + "\n".join(str(p) for p in problems))
    return source


# --------------------------------------------------------------------------------------------------
# bids: one filled workbook per profile (openpyxl), then re-labelled copies

WORDS = [
    "we",
    "will",
    "deliver",
    "the",
    "contract",
    "through",
    "local",
    "teams",
    "supervised",
    "by",
    "a",
    "named",
    "manager",
    "who",
    "reports",
    "each",
    "quarter",
    "on",
    "recruitment",
    "training",
    "carbon",
    "waste",
    "volunteering",
    "and",
    "spend",
    "with",
    "small",
    "firms",
    "and",
    "social",
    "enterprises",
    "in",
    "the",
    "area",
    "our",
    "plan",
    "sets",
    "dates",
    "owners",
    "and",
    "evidence",
    "for",
    "every",
    "commitment",
    "and",
    "we",
    "audit",
    "progress",
    "monthly",
    "against",
    "the",
    "specification",
    "with",
    "the",
    "authority",
    "apprentices",
    "start",
    "in",
    "month",
    "two",
    "and",
    "placements",
    "run",
    "through",
    "the",
    "year",
    "with",
    "partner",
    "colleges",
    "schools",
    "and",
    "community",
    "groups",
    "emissions",
    "are",
    "metered",
    "from",
    "vehicle",
    "telematics",
    "and",
    "buildings",
    "while",
    "suppliers",
    "sign",
    "a",
    "charter",
    "on",
    "fair",
    "pay",
    "prompt",
    "payment",
    "and",
    "modern",
    "slavery",
    "risk",
    "is",
    "reviewed",
    "by",
    "the",
    "board",
    "with",
    "escalation",
    "to",
    "the",
    "contract",
    "manager",
    "and",
    "a",
    "continuous",
    "improvement",
    "log",
]
TOWNS = (
    "Mersey", "Wirral", "Sefton", "Halton", "Pennine", "Ribble", "Wyre", "Fylde", "Eden", "Tyne", "Wear",
    "Tees", "Humber", "Trent", "Severn", "Avon", "Thames", "Medway", "Solent", "Cotswold", "Mendip", "Chiltern",
    "Fenland", "Broadland", "Dales",
)  # fmt: skip
TRADES = (
    "Cleaning", "Catering", "Care", "Transport", "Grounds", "Building", "Security", "Waste", "Energy", "Print",
    "Digital", "Training", "Health", "Housing", "Lighting", "Roofing", "Plumbing", "Electrical", "Laundry", "Parks",
)  # fmt: skip
FORMS = ("Services", "Solutions", "Partners", "Contractors", "Works", "Associates", "Facilities", "Maintenance")
LEGAL = ("Ltd", "Limited", "plc", "CIC", "LLP")
POSTCODES = ("L3 8EN", "l1 1aa", "M1 1AE", "CH41 5LH", "PR8 1DJ", "WA7 1AB", "ls1 4dy", "NE1 7RU", "B1 1BB", "S1 2HE")


def supplier_name(i: int) -> str:
    """A distinct supplier name for copy ``i`` (distinct after the duplicate check's normalisation too)."""
    town, rest = TOWNS[i % len(TOWNS)], i // len(TOWNS)
    trade, rest = TRADES[rest % len(TRADES)], rest // len(TRADES)
    form, rest = FORMS[rest % len(FORMS)], rest // len(FORMS)
    extra = f" {rest + 1}" if rest else ""
    return f"{town} {trade} {form}{extra} {LEGAL[i % len(LEGAL)]}"


def company_number(i: int) -> str:
    return f"SC{i:06d}" if i % 10 == 3 else f"{(12_345_678 + i * 7_919) % 100_000_000:08d}"


def prose(rng: random.Random, words: int) -> str:
    out: list[str] = []
    while len(out) < words:
        n = min(rng.randint(8, 24), words - len(out))
        sentence = [rng.choice(WORDS) for _ in range(n)]
        sentence[0] = sentence[0].capitalize()
        out.extend(sentence[:-1])
        out.append(sentence[-1] + ".")
    return " ".join(out)


_MESSY: dict[str, tuple[Callable[[float], str], ...]] = {
    "GBP": (lambda q: f"£{q:,.0f}", lambda q: f"£{q / 1000:.0f}k", lambda q: f"{q:,.0f}".replace(",", " ")),
    "FTE-year": (lambda q: f"{q:g} FTE", lambda q: f"{q:g} FTE"),
    "hour": (lambda q: f"{q:,.0f}".replace(",", " "), lambda q: f"{q:.0f} hrs"),
    "week": (lambda q: f"{q:,.0f}", lambda q: f"{q:.0f} weeks"),
    "tCO2e": (lambda q: f"{q:g} t",),
    "tonne": (lambda q: f"{q:g} tonnes",),
    "mile": (lambda q: f"{q:,.0f} miles",),
}
_RANGES = {
    "GBP": (5_000, 400_000),
    "FTE-year": (1, 25),
    "hour": (200, 4_000),
    "week": (50, 1_500),
    "tCO2e": (5, 300),
    "tonne": (2, 120),
    "mile": (1_000, 80_000),
}
_BAD = ("twelve", "about 40", "n/a", "TBC")
"""Values a supplier types that are not numbers: reported as errors, as in real returns."""


@dataclass
class Profile:
    supplier: dict[str, str | float]
    commitments: dict[str, str | float]
    evidence: dict[str, str]
    answers: dict[str, str]
    gates: dict[str, str]


def make_profile(p: int, source: RubricSource) -> Profile:
    rng = random.Random(1_000 + p)
    rubric = source.rubric
    amount = float(rng.randrange(900_000, 2_600_000, 10_000))
    price: str | float = amount
    if p % 4 == 1:
        price = f"£{amount:,.0f}"
    elif p % 7 == 2:
        price = f"{amount / 1e6:.2f}m"
    supplier: dict[str, str | float] = {
        "supplier_name": NAME_MARK,
        "company_number": NUMBER_MARK,
        "postcode": POSTCODES[p % len(POSTCODES)],
        "bid_price": price,
        "is_sme": ("Yes", "No", "yes", "Y")[p % 4],
        "is_vcse": "No" if p % 5 else "Yes",
        "contact_email": f"bids{p}@supplier.example",
    }
    commitments: dict[str, str | float] = {}
    evidence: dict[str, str] = {}
    for _, m in rubric.measures():
        roll = rng.random()
        if roll < 0.06:
            continue  # left blank
        low, high = _RANGES[m.unit]
        qty = float(rng.randint(low, high))
        if roll < 0.08 and p % 3 == 0:
            commitments[m.code] = rng.choice(_BAD)
        elif roll < 0.30:
            commitments[m.code] = rng.choice(_MESSY[m.unit])(qty)
        else:
            commitments[m.code] = qty
        if rng.random() < 0.5:
            evidence[m.code] = prose(rng, rng.randint(12, 45))
    # each copy's answers name its supplier, as real ones do: copies do not share answers word for word
    answers = {q.code: f"{NAME_MARK} will " + prose(rng, rng.randint(200, 1_000)) for q in rubric.all_questions()}
    gates = {g.code: ("Yes", "yes", "Y")[rng.randrange(3)] for g in rubric.all_gates()}
    if p == PROFILES - 1:
        gates["G2"] = "No"  # one profile fails a pass/fail requirement
    return Profile(supplier, commitments, evidence, answers, gates)


def _stamp(source: RubricSource, **extra: object) -> dict[str, object]:
    return {"generator": GENERATOR_VERSION, "rubric_fingerprint": source.rubric.fingerprint(), **extra}


def _cached(stamp_file: Path, stamp: dict[str, object], folder: Path, count: int) -> bool:
    if not stamp_file.is_file() or not folder.is_dir():
        return False
    try:
        found = json.loads(stamp_file.read_text(encoding="utf-8"))
    except ValueError:
        return False
    return bool(found == stamp and sum(1 for _ in folder.iterdir()) == count)


def make_profiles(source: RubricSource) -> list[Path]:
    """The filled profile workbooks, made with fill_response from the project's template (cached)."""
    from socialvalue.fill import fill_response
    from socialvalue.output.template import write_response_template

    folder = OUT / "profiles"
    stamp_file = OUT / "profiles.stamp.json"
    stamp = _stamp(source, profiles=PROFILES)
    paths = [folder / f"profile-{p:02d}.xlsx" for p in range(PROFILES)]
    if _cached(stamp_file, stamp, folder, PROFILES):
        return paths
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    template = write_response_template(source.rubric, source.value_set, OUT / "template.xlsx")
    started = time.perf_counter()
    for p, path in enumerate(paths):
        prof = make_profile(p, source)
        fill_response(template, path, prof.supplier, prof.commitments, prof.evidence, prof.answers, prof.gates)
    print(f"filled {PROFILES} profile bids with openpyxl in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    stamp_file.write_text(json.dumps(stamp), encoding="utf-8")
    return paths


Parts = list[tuple[str, bytes]]

_INLINE_CELL = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>', re.S)
_SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def excel_strings(parts: Parts) -> Parts:
    """Store text as Excel does when it saves: one xl/sharedStrings.xml table, cells holding its indexes.

    openpyxl writes every string inline in the sheet XML; a workbook a supplier saved from Excel has a
    shared-string table instead, which is what readers (and the floor) meet in a real tender.
    """
    table: dict[bytes, int] = {}
    uses = 0

    def shared(m: re.Match[bytes]) -> bytes:
        nonlocal uses
        uses += 1
        index = table.setdefault(m.group(3), len(table))
        return b"<c " + m.group(1) + b't="s"' + m.group(2) + b"><v>" + str(index).encode() + b"</v></c>"

    out: Parts = []
    for name, data in parts:
        if name.startswith("xl/worksheets/"):
            data = _INLINE_CELL.sub(shared, data)
        elif name == "[Content_Types].xml":
            override = b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + _SST_TYPE + b'"/>'
            data = data.replace(b"</Types>", override + b"</Types>")
        elif name == "xl/_rels/workbook.xml.rels":
            rel = b'<Relationship Id="rIdBenchSst" Type="' + _SST_REL + b'" Target="sharedStrings.xml"/>'
            data = data.replace(b"</Relationships>", rel + b"</Relationships>")
        out.append((name, data))
    body = b"".join(b'<si><t xml:space="preserve">' + text + b"</t></si>" for text in table)
    sst = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (uses, len(table))
    )
    at = next(i for i, (name, _) in enumerate(out) if name == "xl/styles.xml")
    out.insert(at + 1, ("xl/sharedStrings.xml", sst + body + b"</sst>"))
    return out


def _zip(parts: Parts) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _same_values(a: bytes, b: bytes) -> bool:
    from python_calamine import CalamineWorkbook

    wa, wb = CalamineWorkbook.from_filelike(io.BytesIO(a)), CalamineWorkbook.from_filelike(io.BytesIO(b))
    return wa.sheet_names == wb.sheet_names and all(
        wa.get_sheet_by_name(s).to_python(skip_empty_area=False)
        == wb.get_sheet_by_name(s).to_python(skip_empty_area=False)
        for s in wa.sheet_names
    )


def _relabel(parts: Parts, name: str, number: str) -> bytes:
    """The profile workbook with this copy's supplier name and company number (in whichever part holds text)."""
    marks = ((NAME_MARK.encode(), escape(name).encode()), (NUMBER_MARK.encode(), number.encode()))
    out: Parts = []
    for part, data in parts:
        if part == "xl/sharedStrings.xml" or part.startswith("xl/worksheets/"):
            for mark, text in marks:
                data = data.replace(mark, text)
        out.append((part, data))
    return _zip(out)


def make_bids(n: int, source: RubricSource, inline_strings: bool = False) -> Path:
    """bench/out/bids-N: N distinct files (own name, supplier name, company number, SHA-256), cached."""
    from socialvalue.intake.names import look_alike_key

    label = f"bids-{n}" + ("-inline" if inline_strings else "")
    folder = OUT / label
    stamp_file = OUT / f"{label}.stamp.json"
    stamp = _stamp(source, bids=n, profiles=PROFILES, inline_strings=inline_strings)
    if _cached(stamp_file, stamp, folder, n):
        return folder
    names = [supplier_name(i) for i in range(n)]
    if len({look_alike_key(x) for x in names}) != n:
        raise SystemExit("bench bug: generated supplier names are not distinct")
    profiles: list[Parts] = []
    for path in make_profiles(source):
        with zipfile.ZipFile(path) as zf:
            parts = [(info.filename, zf.read(info)) for info in zf.infolist()]
        if not inline_strings:
            converted = excel_strings(parts)
            if not _same_values(_zip(parts), _zip(converted)):
                raise SystemExit(f"bench bug: {path.name} reads differently with a shared-string table")
            parts = converted
        profiles.append(parts)
    tmp = OUT / f"{label}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for i, name in enumerate(names):
        slug = name.lower().replace(" ", "-")
        (tmp / f"bid-{i:05d}-{slug}.xlsx").write_bytes(_relabel(profiles[i % PROFILES], name, company_number(i)))
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    stamp_file.write_text(json.dumps(stamp), encoding="utf-8")
    return folder


REASONS = (
    "The plan names owners and dates for each commitment and shows how progress will be evidenced each quarter.",
    "Clear and credible, but the measures for reaching people furthest from work are general rather than local.",
    "Sound approach with some detail missing on subcontractor monitoring and how shortfalls would be recovered.",
    "Generic answer: it restates the specification without saying how the supplier will deliver it here.",
    "Strong, specific and evidenced: named partners, a realistic timeline and monthly reporting to the authority.",
)


def make_consensus(folder: Path, source: RubricSource) -> Path:
    """The panel's consensus workbook for every bid in ``folder`` (cached), written by the project's own
    consensus writer with agreed scores and reasons: a batch scored and ranked as a real tender is.

    Scores are 2-5 with a few 1s (below the social value questions' minimum of 2, so those bids are excluded).
    """
    from socialvalue.bid import Bid, PanelScore
    from socialvalue.output.consensus import write_consensus_template

    target = OUT / f"{folder.name}-consensus.xlsx"
    stamp_file = OUT / f"{folder.name}-consensus.stamp.json"
    names = sorted(p.name for p in folder.iterdir())
    stamp = _stamp(source, bids=len(names))
    if target.is_file() and stamp_file.is_file() and json.loads(stamp_file.read_text(encoding="utf-8")) == stamp:
        return target
    rng = random.Random(7)
    bids = [Bid(bid_id=name, file=name) for name in names]
    scores = [
        PanelScore(
            bid_id=name,
            code=q.code,
            score=1 if rng.random() < 0.005 else rng.choice((2, 3, 3, 4, 4, 5)),
            reason=rng.choice(REASONS),
        )
        for name in names
        for q in source.rubric.all_questions()
    ]
    write_consensus_template(source.rubric, bids, target, scores)
    stamp_file.write_text(json.dumps(stamp), encoding="utf-8")
    return target


# --------------------------------------------------------------------------------------------------
# measuring


@dataclass
class Timing:
    """Wall-clock seconds of each run, and CPU seconds (this process plus any child processes it waited for)."""

    runs: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn: Callable[[], object], reps: int, expensive: float = float("inf")) -> Timing:
    """Run ``fn`` ``reps`` times (stopping after one run that took longer than ``expensive`` seconds)."""
    t = Timing()
    for _ in range(reps):
        gc.collect()
        cpu, start = _cpu_seconds(), time.perf_counter()
        fn()
        t.runs.append(time.perf_counter() - start)
        t.cpu.append(_cpu_seconds() - cpu)
        if t.runs[-1] > expensive:
            break
    return t


def rounds(fns: dict[str, Callable[[], object]], reps: int) -> dict[str, Timing]:
    """Time each function once per round, ``reps`` rounds: a busy spell on a shared machine then slows
    one round of every figure, not every run of one figure, and ratios are taken within a round."""
    out = {name: Timing() for name in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            once = timed(fn, 1)
            out[name].runs += once.runs
            out[name].cpu += once.cpu
    return out


def ratio(t: Timing, base: Timing) -> float:
    """Median of the per-round ratios of ``t`` to ``base`` (timed in the same rounds by :func:`rounds`)."""
    return statistics.median(a / b for a, b in zip(t.runs, base.runs, strict=True))


def floor_read(files: Sequence[Path]) -> int:
    """(a) Inflate every worksheet's XML and the shared strings of each file, nothing else."""
    total = 0
    for path in files:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if (name.startswith("xl/worksheets/") and name.endswith(".xml")) or name == "xl/sharedStrings.xml":
                    total += len(zf.read(name))
    return total


def naive_pandas(files: Sequence[Path]) -> None:
    """(d) What a script would do without the product: every sheet of every file through openpyxl."""
    import pandas as pd

    for path in files:
        pd.read_excel(path, sheet_name=None, engine="openpyxl")


def run_cli(args: Sequence[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1: some inputs had errors (the messy bids), results still written
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed


MEMORY_CHILD = """
import json, resource, sys
from pathlib import Path
from socialvalue.batch import list_bid_files, score_files
from socialvalue.rubric import load_rubric
source, _ = load_rubric(sys.argv[1])
files, _ = list_bid_files(Path(sys.argv[2]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
batch = score_files(files[: int(sys.argv[3])], source)
hwm = 0
try:
    with open("/proc/self/status") as fh:
        hwm = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
except OSError:
    pass
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"ru_maxrss_kb": after, "ru_maxrss_before_kb": before, "vmhwm_kb": hwm, "bids": len(batch.bids)}))
"""


RETAINED_CHILD = """
import gc, json, sys, tracemalloc
from pathlib import Path
from socialvalue.batch import list_bid_files, score_files
from socialvalue.rubric import load_rubric
source, _ = load_rubric(sys.argv[1])
files, _ = list_bid_files(Path(sys.argv[2]))
files = files[: int(sys.argv[3])]
score_files(files[:2], source)  # imports and caches before tracing
gc.collect()
tracemalloc.start()
batch = score_files(files, source)
gc.collect()
whole = tracemalloc.get_traced_memory()[0]
result = batch.result
del batch
gc.collect()
scores = tracemalloc.get_traced_memory()[0]
print(json.dumps({"batch_bytes": whole, "result_bytes": scores, "bids": len(result.bids)}))
"""


def child_figures(script: str, rubric: Path, folder: Path, count: int) -> dict[str, int]:
    """Run a measuring ``script`` in a fresh Python on the first ``count`` bids; the JSON it prints last."""
    proc = subprocess.run(
        [sys.executable, "-c", script, str(rubric), str(folder), str(count)],
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, int] = json.loads(proc.stdout.strip().splitlines()[-1])
    return found


def retained_per_bid(rubric: Path, folder: Path, count: int) -> tuple[float, float]:
    """(e) KB per bid that a finished batch keeps, and how much of it is the scored result alone (tracemalloc)."""
    found = child_figures(RETAINED_CHILD, rubric, folder, count)
    return found["batch_bytes"] / 1024 / count, found["result_bytes"] / 1024 / count


@dataclass
class Memory:
    """Peak memory of a fresh process scoring ``bids`` bids, in MB."""

    bids: int
    peak_mb: float
    """VmHWM (peak RSS of this process image) where Linux has it, else ru_maxrss."""
    ru_maxrss_mb: float
    """ru_maxrss: on Linux it carries over the parent's RSS across fork+exec (see bench/README.md)."""


def peak_memory(rubric: Path, folder: Path, count: int) -> Memory:
    """(e) Peak resident memory of a fresh process scoring the first ``count`` bids with --jobs 1."""
    found = child_figures(MEMORY_CHILD, rubric, folder, count)
    ru = found["ru_maxrss_kb"] / 1024  # Linux reports kilobytes
    return Memory(count, found["vmhwm_kb"] / 1024 if found["vmhwm_kb"] else ru, ru)


def source_digest() -> str:
    """SHA-256 (first 12 hex) of the library's source: figures are only comparable for the same code."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "socialvalue").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def git_head() -> str:
    proc = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else ""


# --------------------------------------------------------------------------------------------------
# report


@dataclass
class Row:
    figure: str
    seconds: float | None
    cpu_seconds: float | None = None
    runs: int = 1
    per_bid_ms: float | None = None
    floor_ratio: float | None = None
    target: str = ""
    passed: bool | None = None
    note: str = ""


def _fmt(x: float | None, spec: str) -> str:
    return "" if x is None else format(x, spec)


def table(rows: Sequence[Row]) -> str:
    head = ("figure", "wall s", "cpu s", "runs", "ms/bid", "x floor", "target", "result", "note")
    body = [
        (
            r.figure,
            _fmt(r.seconds, ".3f"),
            _fmt(r.cpu_seconds, ".3f"),
            str(r.runs),
            _fmt(r.per_bid_ms, ".3f"),
            _fmt(r.floor_ratio, ".1f"),
            r.target,
            "" if r.passed is None else ("PASS" if r.passed else "FAIL"),
            r.note,
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    right = {1, 2, 3, 4, 5}

    def line(cells: Sequence[str]) -> str:
        padded = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
        return "| " + " | ".join(padded) + " |"

    sep = "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(head), sep, *(line(b) for b in body)])


def profile_call(fn: Callable[[], object], top: int = 15) -> str:
    """cProfile of one call: the top functions by cumulative time, then by own time."""
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--bids", type=int, default=1000, help="number of bid files (default 1000)")
    ap.add_argument("--reps", type=int, default=5, help="repetitions of the in-process figures (median; default 5)")
    ap.add_argument("--cli-reps", type=int, default=3, help="repetitions of `socialvalue score` (default 3)")
    ap.add_argument(
        "--expensive",
        type=float,
        default=15.0,
        help="a figure whose first run takes longer than this many seconds is not repeated (default 15)",
    )
    ap.add_argument(
        "--inline-strings",
        action="store_true",
        help="keep openpyxl's inline strings instead of an Excel-style shared-string table (bench/out/bids-N-inline)",
    )
    ap.add_argument("--profile", action="store_true", help="also cProfile (b) with --jobs 1 and write_results")
    args = ap.parse_args(argv)
    n: int = args.bids
    reps: int = max(1, args.reps)
    expensive: float = args.expensive
    if n < 2:
        ap.error("--bids must be at least 2")

    from python_calamine import CalamineWorkbook

    from socialvalue import layout as L
    from socialvalue.batch import duplicate_suppliers, list_bid_files, read_bids, score_files
    from socialvalue.intake.consensus import read_consensus
    from socialvalue.intake.guard import guard_file
    from socialvalue.output.results import AuditInfo, write_results
    from socialvalue.scoring import score_tender
    from socialvalue.scoring.decision import decide
    from socialvalue.scoring.whatif import Work

    code_at_start = source_digest()
    load_at_start = os.getloadavg()
    rubric_path = OUT / "rubric.yaml"
    source = write_rubric(rubric_path)
    folder = make_bids(n, source, args.inline_strings)
    files, _ = list_bid_files(folder)
    consensus = make_consensus(folder, source)
    panel = [consensus]
    mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"{len(files)} bids in {folder.relative_to(ROOT)} ({mb:.1f} MB)", file=sys.stderr)
    if load_at_start[0] > 0.7:
        print(f"note: load average {load_at_start[0]:.2f} at start: the machine is busy", file=sys.stderr)

    def progress(what: str) -> None:
        print(f"measuring {what} ...", file=sys.stderr, flush=True)

    progress("(a) the floor, (b) score_files --jobs 1 and --jobs 2, and (d) the naive loop, in rounds")
    floor_read(files)  # warm the page cache; every figure below reads warm files too
    subset = files[:NAIVE_SUBSET]
    import pandas  # noqa: F401  # imported before timing: the loop's cost, not pandas' import

    measured = rounds(
        {
            "floor": lambda: floor_read(files),
            "b1": lambda: score_files(files, source, panel, jobs=1),
            "b2": lambda: score_files(files, source, panel, jobs=2),
            "naive": lambda: naive_pandas(subset),
        },
        reps,
    )
    floor, b1, b2, naive_sub = measured["floor"], measured["b1"], measured["b2"], measured["naive"]

    progress("breakdown of (b)")
    sheets = [L.META, L.SUPPLIER, L.COMMITMENTS, L.STATEMENTS, L.GATES]

    def calamine_only() -> None:
        for path in files:
            wb = CalamineWorkbook.from_path(str(path))
            for name in sheets:
                wb.get_sheet_by_name(name).to_python(skip_empty_area=False)

    guard_only = timed(lambda: [guard_file(p) for p in files], reps, expensive)
    calamine = timed(calamine_only, reps, expensive)
    read_only = timed(lambda: read_bids(files, source.rubric, jobs=1), reps, expensive)
    readings = read_bids(files, source.rubric, jobs=1)
    bids = [r.bid for r in readings if r.bid is not None]
    dupes = timed(lambda: duplicate_suppliers(bids), reps, expensive)
    ids = {p.name for p in files}
    panel_read = timed(lambda: read_consensus(consensus, source.rubric, ids), reps, expensive)
    panel_scores = read_consensus(consensus, source.rubric, ids)[0]
    scoring = timed(lambda: score_tender(source.rubric, source.value_set, bids, panel_scores), reps, expensive)
    scored = score_tender(source.rubric, source.value_set, bids, panel_scores)
    deciding = timed(lambda: decide(source.rubric, source.value_set, bids, panel_scores, scored), reps, expensive)
    work = Work()
    decide(source.rubric, source.value_set, bids, panel_scores, scored, work=work)

    progress("write_results in-process")
    batch = score_files(files, source, panel, jobs=1)
    audit = AuditInfo(
        rubric_file=str(rubric_path),
        inputs=[(r.file, r.sha256, batch.outcome(r.file)) for r in batch.readings],
        evaluations=[],
        command="bench",
    )
    results_out = OUT / "results-inprocess.xlsx"
    by_sheet: dict[str, float] = {}

    def write() -> None:
        marks: list[tuple[str, float]] = []
        start = time.perf_counter()
        try:
            write_results(
                batch.result,
                source.rubric,
                source.value_set,
                results_out,
                batch.problems,
                audit,
                files,
                on_sheet=lambda name: marks.append((name, time.perf_counter())),
            )
        except TypeError:  # a write_results without the on_sheet hook
            write_results(batch.result, source.rubric, source.value_set, results_out, batch.problems, audit, files)
        last = start
        for name, at in marks:
            by_sheet[name], last = at - last, at
        by_sheet["(closing: XML and zip)"] = time.perf_counter() - last

    writing = timed(write, reps, expensive)
    problems = {"errors": 0, "warnings": 0, "info": 0}
    for p in batch.problems:
        key = {"error": "errors", "warning": "warnings"}.get(p.severity.value, "info")
        problems[key] += 1
    cells = {
        "measure rows": len(batch.result.measures),
        "question rows": len(batch.result.questions),
        "gate rows": len(batch.result.gates),
        "problems": len(batch.problems),
    }

    progress("(c) the `socialvalue score` command, --jobs 1 and the default (one process per core)")
    cli = [str(BIN / "socialvalue"), "score", str(folder), "--rubric", str(rubric_path)]
    cli += ["--evaluations", str(consensus), "-o", str(OUT / "results.xlsx")]
    cli_rounds = rounds(
        {
            "floor": lambda: floor_read(files),
            "c1": lambda: run_cli([*cli, "--jobs", "1"]),
            "c2": lambda: run_cli(cli),  # the default: one process per core
        },
        max(1, args.cli_reps),
    )
    c1, c2, cli_floor = cli_rounds["c1"], cli_rounds["c2"], cli_rounds["floor"]

    scale = n / len(subset)
    naive = Timing([t * scale for t in naive_sub.runs], [t * scale for t in naive_sub.cpu])

    progress("(e) peak memory")
    counts = sorted({1, max(1, n // 4), n})
    mem = {c: peak_memory(rubric_path, folder, c) for c in counts}
    base = counts[-2] if len(counts) > 1 else n
    growth_kb = (mem[n].peak_mb - mem[base].peak_mb) * 1024 / (n - base) if n > base else 0.0
    kept_kb, result_kb = retained_per_bid(rubric_path, folder, min(n, 250))

    progress("(f) --help start-up")
    helps = timed(lambda: run_cli([str(BIN / "socialvalue"), "--help"]), 5)
    py_start = timed(lambda: run_cli([sys.executable, "-c", "pass"]), 5)

    code_at_end = source_digest()
    load_at_end = os.getloadavg()
    f = floor.median

    def row(figure: str, t: Timing, x: float | None = None, **kw: Any) -> Row:
        """A table row; ``x`` is its ratio to the floor when measured in the same rounds (else median ÷ median)."""
        return Row(figure, t.median, t.cpu_median, len(t.runs), t.median * 1000 / n, x or t.median / f, **kw)

    within = f"<= {TARGET_FLOOR_RATIO:g}x floor"
    under = f"< {TARGET_SCORE_S:g} s"
    rows = [
        row("(a) floor: inflate sheet XML + shared strings (zipfile)", floor),
        row(
            "(b) guard+read+validate+score: score_files --jobs 1",
            b1,
            ratio(b1, floor),
            target=within,
            passed=ratio(b1, floor) <= TARGET_FLOOR_RATIO,
            note="x floor: median of per-round ratios",
        ),
        row(
            "(b) guard+read+validate+score: score_files --jobs 2",
            b2,
            ratio(b2, floor),
            target=within,
            passed=ratio(b2, floor) <= TARGET_FLOOR_RATIO,
            note="2 processes vs a 1-process floor",
        ),
        row("    (b) part: guard_file on every file", guard_only, note="breakdown"),
        row("    (b) part: read_bids --jobs 1 (guard, calamine, values)", read_only, note="breakdown"),
        row("    (b) part: duplicate_suppliers", dupes, note="breakdown"),
        row("    (b) part: read_consensus (the panel's scores)", panel_read, note="breakdown"),
        row("    (b) part: score_tender", scoring, note="breakdown"),
        row(
            "    (b) part: decide (the Decision's what-ifs)",
            deciding,
            note=f"{deciding.cpu_median / b1.cpu_median * 100:.1f}% of (b) -j1 cpu; {work.rescored} bids re-scored, "
            f"{work.comparisons} comparisons of {work.compared / max(1, work.comparisons):.0f} bids on average",
        ),
        row("    reference: calamine open + to_python of 5 sheets", calamine, note="no checks, no Python values"),
        row("    (c) part: write_results in-process", writing, note="breakdown"),
        row(
            "(c) `socialvalue score` --jobs 1, incl. results workbook",
            c1,
            ratio(c1, cli_floor),
            target=under,
            passed=c1.median < TARGET_SCORE_S,
            note=f"floor in these rounds: {cli_floor.median:.3f} s",
        ),
        row(
            f"(c) `socialvalue score` (default --jobs: {os.cpu_count()} cores), incl. results workbook",
            c2,
            ratio(c2, cli_floor),
            target=under,
            passed=c2.median < TARGET_SCORE_S,
        ),
        row(
            f"(d) naive pandas.read_excel(openpyxl) loop ({len(subset)} files, x{scale:g})",
            naive,
            target=f">= {TARGET_NAIVE_SPEEDUP:g}x (b) -j1",
            passed=ratio(naive, b1) >= TARGET_NAIVE_SPEEDUP,
            note=f"(b) --jobs 1 is {ratio(naive, b1):.1f}x faster (median of per-round ratios)",
        ),
        Row(
            "(f) `socialvalue --help` start-up",
            helps.median,
            helps.cpu_median,
            len(helps.runs),
            target=f"< {TARGET_HELP_S:g} s",
            passed=helps.median < TARGET_HELP_S,
            note=f"bare `python -c pass`: {py_start.median:.3f} s",
        ),
    ]
    code = (
        code_at_start if code_at_start == code_at_end else f"{code_at_start} -> {code_at_end} (CHANGED DURING THE RUN)"
    )
    strings = "openpyxl inline strings" if args.inline_strings else "Excel-style shared strings"
    print()
    print(
        f"socialvalue bench: {n} bids ({mb:.1f} MB, {PROFILES} distinct filled profiles, {strings}); "
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"load average {load_at_start[0]:.2f} at start, {load_at_end[0]:.2f} at end"
    )
    print(f"library source {code} (git HEAD {git_head()} + working tree); medians of the runs shown")
    print(table(rows))
    memory = ", ".join(f"{c} bids {mem[c].peak_mb:.0f} MB" for c in counts)
    print(f"(e) peak RSS (VmHWM) of a fresh process, score_files --jobs 1: {memory}; {growth_kb:.0f} KB per extra bid")
    print(
        f"    kept after the run (tracemalloc, {min(n, 250)} bids): {kept_kb:.0f} KB per bid, of which the scored "
        f"result (lines, problems, bid results) {result_kb:.0f} KB"
    )
    print("    write_results by sheet (last run): " + ", ".join(f"{k} {v:.2f} s" for k, v in by_sheet.items()))
    print("    results workbook holds: " + ", ".join(f"{v:,} {k}" for k, v in cells.items()))
    print(
        f"    problems reported for {n} bids: {problems['errors']:,} errors, {problems['warnings']:,} warnings, "
        f"{problems['info']:,} info"
    )
    if load_at_start[0] > 0.7 or load_at_end[0] > 1.5:
        print("    NOTE: the machine was busy (load average above): wall times are inflated; compare cpu s")

    report: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "bids": n,
        "bytes": int(mb * 1e6),
        "profiles": PROFILES,
        "strings": strings,
        "source_digest": code_at_start,
        "source_changed_during_run": code_at_start != code_at_end,
        "git_head": git_head(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_start": load_at_start,
        "load_average_end": load_at_end,
        "rows": [r.__dict__ for r in rows],
        "runs": {
            name: {"wall": t.runs, "cpu": t.cpu}
            for name, t in {
                "floor": floor,
                "score_files_j1": b1,
                "score_files_j2": b2,
                "guard_file": guard_only,
                "calamine_only": calamine,
                "read_bids_j1": read_only,
                "duplicate_suppliers": dupes,
                "read_consensus": panel_read,
                "score_tender": scoring,
                "decide": deciding,
                "write_results": writing,
                "cli_j1": c1,
                "cli_default_jobs": c2,
                "cli_floor": cli_floor,
                "naive_subset": naive_sub,
                "help": helps,
                "python_start": py_start,
            }.items()
        },
        "naive_subset_files": len(subset),
        "write_results_by_sheet_s": by_sheet,
        "results_rows": cells,
        "peak_rss_mb": {str(c): mem[c].peak_mb for c in counts},
        "ru_maxrss_mb": {str(c): mem[c].ru_maxrss_mb for c in counts},
        "rss_growth_kb_per_bid": growth_kb,
        "kept_kb_per_bid": kept_kb,
        "result_kb_per_bid": result_kb,
        "problems": problems,
        "decision_work": work.__dict__,
        "targets": {
            "floor_ratio": TARGET_FLOOR_RATIO,
            "score_seconds": TARGET_SCORE_S,
            "naive_speedup": TARGET_NAIVE_SPEEDUP,
            "help_seconds": TARGET_HELP_S,
        },
    }
    if code_at_start != code_at_end:
        print("WARNING: the library's source changed during the run: figures may mix versions; run again")
    if args.profile:
        progress("cProfile of (b) --jobs 1 and of write_results")
        batch = score_files(files, source, panel, jobs=1)
        text = "cProfile of score_files --jobs 1 (b):\n" + profile_call(
            lambda: score_files(files, source, panel, jobs=1)
        )
        text += "\ncProfile of write_results (part of (c)):\n" + profile_call(
            lambda: write_results(
                batch.result, source.rubric, source.value_set, results_out, batch.problems, audit, files
            )
        )
        print("\n" + text)
        (OUT / "profile.txt").write_text(text, encoding="utf-8")
        report["profile_file"] = str((OUT / "profile.txt").relative_to(ROOT))
    (OUT / "latest.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"figures written to {(OUT / 'latest.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
