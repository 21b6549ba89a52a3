"""A small document model rendered two ways: Word (.docx, python-docx) and self-contained HTML.

Content is built once as headings, paragraphs, bullet lists and tables of plain text, so the Word
and HTML versions say exactly the same. Every piece of text is written as plain text: HTML escapes
it (``html.escape``), Word gets it as plain runs (never fields, hyperlinks or markup); characters
XML cannot hold are removed first. The HTML needs no network: styles are inline, no scripts, fonts
or images are fetched.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .atomic import atomic_path
from .safe import clean_text

Kind = Literal["normal", "note", "warning", "lead"]


def plain(value: object) -> str:
    """Text any XML can hold: control characters and unpaired surrogates removed, line ends normalised."""
    text = clean_text(value, limit=1_000_000)
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Para:
    text: str
    kind: Kind = "normal"
    label: str = ""
    """Shown in bold before the text (e.g. ``Reason:``)."""
    keep_with_next: bool = False
    """Keep on the same page as the next block (e.g. a question above its scores)."""


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    headings: list[str]
    rows: list[list[str]]
    widths: list[float] = field(default_factory=list)
    """Relative column widths (any unit); equal when empty."""
    bold_rows: set[int] = field(default_factory=set)
    label_column: bool = False
    """Set the first column in bold (a row-heading column)."""


Block = Heading | Para | Bullets | Table


@dataclass
class Document:
    title: str
    subtitle: str
    blocks: list[Block]
    footer: str = ""
    landscape: bool = False

    def text(self) -> str:
        """All the document's text, for tests and search."""
        parts = [self.title, self.subtitle]
        for b in self.blocks:
            if isinstance(b, Heading):
                parts.append(b.text)
            elif isinstance(b, Para):
                parts.append(f"{b.label} {b.text}".strip())
            elif isinstance(b, Bullets):
                parts += b.items
            else:
                parts += b.headings + [c for row in b.rows for c in row]
        return "\n".join([*parts, self.footer])


# --- Word --------------------------------------------------------------------------------------

HEADER_FILL = "1F4E79"
WARNING_COLOUR = (0xC0, 0x00, 0x00)
NOTE_COLOUR = (0x59, 0x59, 0x59)
KEEP_TOGETHER_ROWS = 8
"""Tables this short are kept on one page (with the paragraph before them when it asks to)."""


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _no_split(row: Any) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _cell_text(
    cell: Any, text: str, bold: bool = False, colour: tuple[int, int, int] | None = None, size: float = 9
) -> None:
    from docx.shared import Pt, RGBColor

    para = cell.paragraphs[0]
    run = para.add_run(plain(text))
    run.bold = bold
    run.font.size = Pt(size)
    if colour:
        run.font.color.rgb = RGBColor(*colour)
    para.paragraph_format.space_after = Pt(0)


def _docx_table(doc: Any, t: Table, usable_cm: float) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm

    cols = len(t.headings)
    table = doc.add_table(rows=1, cols=cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    weights = t.widths if len(t.widths) == cols else [1.0] * cols
    widths = [Cm(usable_cm * w / sum(weights)) for w in weights]
    header = table.rows[0]
    _repeat_header(header)
    for i, heading in enumerate(t.headings):
        _cell_text(header.cells[i], heading, bold=True, colour=(0xFF, 0xFF, 0xFF))
        _shade(header.cells[i], HEADER_FILL)
    for r, values in enumerate(t.rows):
        cells = table.add_row().cells
        for i in range(cols):
            value = values[i] if i < len(values) else ""
            _cell_text(cells[i], value, bold=r in t.bold_rows or (t.label_column and i == 0))
            if r in t.bold_rows:
                _shade(cells[i], "DEEAF6")
    for i, column in enumerate(table.columns):
        column.width = widths[i]  # the grid (LibreOffice reads this)
    for row in table.rows:
        _no_split(row)
        for i, cell in enumerate(row.cells):
            cell.width = widths[i]  # each cell (Word reads this)
    if len(table.rows) <= KEEP_TOGETHER_ROWS:
        for row in list(table.rows)[:-1]:
            for cell in row.cells:
                for para in cell.paragraphs:
                    para.paragraph_format.keep_with_next = True
    doc.add_paragraph()


def write_docx(document: Document, target: Path, inputs: Sequence[Path] = ()) -> Path:
    """The document as Word (.docx), A4, written atomically."""
    from docx import Document as new_document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    doc = new_document()
    section = doc.sections[0]
    width, height = (Cm(29.7), Cm(21.0)) if document.landscape else (Cm(21.0), Cm(29.7))
    section.orientation = WD_ORIENT.LANDSCAPE if document.landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    usable_cm = (29.7 if document.landscape else 21.0) - 4.0
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    doc.core_properties.title = plain(document.title)
    doc.core_properties.author = "socialvalue"
    doc.add_heading(plain(document.title), level=0)
    if document.subtitle:
        sub = doc.add_paragraph()
        run = sub.add_run(plain(document.subtitle))
        run.font.size = Pt(13)
        run.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    for block in document.blocks:
        if isinstance(block, Heading):
            doc.add_heading(plain(block.text), level=min(max(block.level, 1), 4))
        elif isinstance(block, Para):
            para = doc.add_paragraph()
            if block.label:
                para.add_run(plain(block.label) + " ").bold = True
            run = para.add_run(plain(block.text))
            para.paragraph_format.keep_with_next = block.keep_with_next
            if block.kind == "warning":
                run.bold = True
                run.font.color.rgb = RGBColor(*WARNING_COLOUR)
            elif block.kind == "note":
                run.italic = True
                run.font.color.rgb = RGBColor(*NOTE_COLOUR)
            elif block.kind == "lead":
                run.font.size = Pt(12)
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(plain(item), style="List Bullet")
        else:
            _docx_table(doc, block, usable_cm)
    if document.footer:
        footer = section.footer.paragraphs[0]
        run = footer.add_run(plain(document.footer))
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(*NOTE_COLOUR)
    with atomic_path(target, inputs) as tmp:
        doc.save(str(tmp))
    return target


# --- HTML --------------------------------------------------------------------------------------

_CSS = """
body { font-family: Calibri, "Segoe UI", Arial, sans-serif; font-size: 11pt; color: #1a1a1a; margin: 2em auto;
       max-width: 60em; padding: 0 1.5em; line-height: 1.4; }
h1 { color: #1F4E79; font-size: 20pt; margin-bottom: 0.1em; }
.subtitle { color: #1F4E79; font-size: 13pt; margin-top: 0; }
h2 { color: #1F4E79; font-size: 14pt; border-bottom: 1px solid #BFBFBF; margin-top: 1.6em; }
h3 { color: #1F4E79; font-size: 12pt; margin-bottom: 0.3em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; font-size: 10pt; }
th { background: #1F4E79; color: #fff; text-align: left; vertical-align: top; }
th, td { border: 1px solid #BFBFBF; padding: 0.3em 0.5em; vertical-align: top; white-space: pre-wrap; }
tr.bold td { font-weight: bold; background: #DEEAF6; }
td.label { font-weight: bold; }
.warning { color: #C00000; font-weight: bold; }
.note { color: #595959; font-style: italic; }
.lead { font-size: 12pt; }
footer { color: #595959; font-size: 8pt; border-top: 1px solid #BFBFBF; margin-top: 2em; padding-top: 0.5em; }
@media print { body { margin: 0; max-width: none; } }
"""


def _e(text: str) -> str:
    return html.escape(plain(text), quote=True)


def render_html(document: Document) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{_e(document.title)}: {_e(document.subtitle)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(document.title)}</h1>",
    ]
    if document.subtitle:
        out.append(f'<p class="subtitle">{_e(document.subtitle)}</p>')
    for block in document.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 4) + 1
            out.append(f"<h{level}>{_e(block.text)}</h{level}>")
        elif isinstance(block, Para):
            label = f"<strong>{_e(block.label)}</strong> " if block.label else ""
            cls = f' class="{block.kind}"' if block.kind != "normal" else ""
            out.append(f"<p>{label}<span{cls}>{_e(block.text)}</span></p>")
        elif isinstance(block, Bullets):
            out.append("<ul>" + "".join(f"<li>{_e(i)}</li>" for i in block.items) + "</ul>")
        else:
            cols = len(block.headings)
            weights = block.widths if len(block.widths) == cols else [1.0] * cols
            colgroup = "".join(f'<col style="width:{100 * w / sum(weights):.1f}%">' for w in weights)
            head = "".join(f"<th>{_e(h)}</th>" for h in block.headings)
            body = []
            for r, values in enumerate(block.rows):
                cells = "".join(
                    f'<td class="label">{_e(v)}</td>' if block.label_column and i == 0 else f"<td>{_e(v)}</td>"
                    for i, v in enumerate(values)
                )
                body.append(f'<tr class="bold">{cells}</tr>' if r in block.bold_rows else f"<tr>{cells}</tr>")
            out.append(
                f"<table><colgroup>{colgroup}</colgroup><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            )
    if document.footer:
        out.append(f"<footer>{_e(document.footer)}</footer>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def write_html(document: Document, target: Path, inputs: Sequence[Path] = ()) -> Path:
    """The document as one self-contained HTML file, written atomically."""
    with atomic_path(target, inputs) as tmp:
        tmp.write_text(render_html(document), encoding="utf-8")
    return target
