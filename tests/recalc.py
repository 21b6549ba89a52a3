"""Recalculate a workbook's formulas independently of the tool: LibreOffice headless, or the `formulas` package."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

# Make LibreOffice recalculate every formula when it loads an .xlsx (its default is to trust cached values).
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalc_libreoffice(path: Path, workdir: Path) -> Path:
    """Open ``path`` in LibreOffice with recalculation forced on load, save it as .xlsx; return the copy."""
    return recalc_libreoffice_all([path], workdir)[path]


def recalc_libreoffice_all(paths: list[Path], workdir: Path) -> dict[Path, Path]:
    """:func:`recalc_libreoffice` for many workbooks in one LibreOffice run (each start costs seconds)."""
    exe = soffice()
    assert exe, "LibreOffice is not installed"
    profile = workdir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    out = workdir / "recalculated"
    out.mkdir(exist_ok=True)
    subprocess.run(
        [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", "xlsx",
         "--outdir", str(out), *map(str, paths)],
        check=True, capture_output=True, timeout=180 + 20 * len(paths),
    )  # fmt: skip
    return {path: out / path.name for path in paths}


def formula_cells(path: Path) -> dict[tuple[str, str], tuple[str, Any]]:
    """(sheet, cell) → (formula, cached value) for every formula the workbook holds."""
    formulas = load_workbook(path, data_only=False)
    values = load_workbook(path, data_only=True)
    out: dict[tuple[str, str], tuple[str, Any]] = {}
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    out[(ws.title, cell.coordinate)] = (cell.value, values[ws.title][cell.coordinate].value)
    return out


def cached_values(path: Path) -> dict[tuple[str, str], Any]:
    wb = load_workbook(path, data_only=True)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}


def recalc_formulas_package(path: Path) -> dict[tuple[str, str], Any]:
    """Recalculate with the pure-Python `formulas` engine: (sheet, cell) → value."""
    import formulas

    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    out: dict[tuple[str, str], Any] = {}
    for key, value in solution.items():
        ref = str(key)
        if "!" not in ref or ":" in ref.split("!")[1]:
            continue
        sheet_part, cell = ref.rsplit("!", 1)
        sheet = sheet_part.split("]", 1)[1].strip("'")
        raw = value.value[0][0] if hasattr(value, "value") else value
        out[(sheet.upper(), cell.upper())] = raw
    return out


def same(a: Any, b: Any, tol: float = 1e-6) -> bool:
    """Equal as a spreadsheet would show them: numbers within tolerance, blank and '' alike."""
    blank = (None, "")
    if a in blank or b in blank:
        return a in blank and b in blank
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= tol * max(1.0, abs(a), abs(b))
    return str(a) == str(b)


def libreoffice_mismatches(path: Path, workdir: Path) -> tuple[int, list[str]]:
    """How many formulas ``path`` holds, and each one whose stored value LibreOffice's recalculation does not give."""
    cells = formula_cells(path)
    recalculated = cached_values(recalc_libreoffice(path, workdir))
    mismatches = [
        f"{sheet}!{ref} {formula}: stored {cached!r}, LibreOffice {recalculated.get((sheet, ref))!r}"
        for (sheet, ref), (formula, cached) in cells.items()
        if not same(cached, recalculated.get((sheet, ref)))
    ]
    return len(cells), mismatches


def print_pdf(paths: list[Path], workdir: Path) -> dict[str, Path]:
    """Print workbooks to PDF with LibreOffice headless (all in one run), as an officer's printer would get them."""
    exe = soffice()
    assert exe, "LibreOffice is not installed"
    profile = workdir / "lo-print-profile"
    out = workdir / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, paths)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return {p.stem: out / f"{p.stem}.pdf" for p in paths}
