"""How LibreOffice prints a workbook: pages per sheet, and where each chart sits against the page breaks.

LibreOffice prints a whole workbook into one PDF with no marker of which page belongs to which sheet, so
each sheet is printed on its own: one copy of the workbook per sheet with every other sheet hidden (hidden
sheets are not printed), all converted in a single LibreOffice run.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
ROW_EMU = 190_500  # a 15-point row, in the drawing's units
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _xml(z: zipfile.ZipFile, name: str) -> ET.Element:
    return ET.fromstring(z.read(name))  # noqa: S314 (a workbook the app itself just wrote)


def sheet_names(content: bytes) -> list[str]:
    """The workbook's sheet names, in order."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        root = _xml(z, "xl/workbook.xml")
    return [s.get("name") or "" for s in root.iterfind("m:sheets/m:sheet", NS)]


def only_sheet(content: bytes, index: int) -> bytes:
    """A copy of the workbook in which every sheet but the `index`-th is hidden (and that one is active)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                text = data.decode()
                parts = re.split(r"(<sheet\s[^>]*?)(?=\s*/>)", text)
                for n in range(1, len(parts), 2):
                    tag = re.sub(r'\sstate="[^"]*"', "", parts[n])
                    parts[n] = f'{tag} state="{"visible" if n // 2 == index else "hidden"}"'
                text = "".join(parts)
                text = re.sub(r'\s(activeTab|firstSheet)="\d+"', "", text)
                text = re.sub(
                    r"<workbookView\b", f'<workbookView activeTab="{index}" firstSheet="{index}"', text
                )
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def pdf_pages(path: Path) -> int:
    """Pages of a PDF LibreOffice wrote (its page objects are not compressed)."""
    return len(_PAGE.findall(path.read_bytes()))


def to_pdf(soffice: str, files: list[Path] | list[str], folder: Path, *, timeout: int) -> str:
    """Convert `files` to PDF under `folder`/pdf with LibreOffice (a profile of its own); its output."""
    result = subprocess.run(  # noqa: S603 (fixed arguments, our own files)
        [
            soffice,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "pdf"),
            *(str(path) for path in files),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def page_counts(soffice: str, workbooks: dict[str, bytes], folder: Path) -> dict[str, dict[str, int]]:
    """{workbook: {sheet: pages}} as LibreOffice prints each sheet, plus "(whole)" for the whole workbook."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[tuple[str, str], Path] = {}
    for name, content in workbooks.items():
        whole = folder / f"{name}.xlsx"
        whole.write_bytes(content)
        files[(name, "(whole)")] = whole
        for i, sheet in enumerate(sheet_names(content)):
            path = folder / f"{name}--{i}.xlsx"
            path.write_bytes(only_sheet(content, i))
            files[(name, sheet)] = path
    output = to_pdf(soffice, list(files.values()), folder, timeout=600)
    counts: dict[str, dict[str, int]] = {}
    for (name, sheet), path in files.items():
        pdf = folder / "pdf" / (path.stem + ".pdf")
        assert pdf.exists(), output
        counts.setdefault(name, {})[sheet] = pdf_pages(pdf)
    return counts


@dataclass
class SheetLayout:
    """A sheet's print settings and its charts' rows (0-based, from the drawing anchors)."""

    name: str
    fit_width: bool
    landscape: bool
    title_rows: str | None
    row_breaks: list[int]
    charts: list[tuple[int, int]]


def layouts(content: bytes) -> list[SheetLayout]:
    """Each sheet's print settings, read from the file itself (openpyxl drops charts when it reads)."""
    z = zipfile.ZipFile(io.BytesIO(content))
    book = _xml(z, "xl/workbook.xml")
    rels = _xml(z, "xl/_rels/workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    titles = {}
    for defined in book.iterfind("m:definedNames/m:definedName", NS):
        if defined.get("name") == "_xlnm.Print_Titles":
            titles[int(defined.get("localSheetId") or 0)] = defined.text
    found = []
    for i, sheet in enumerate(book.iterfind("m:sheets/m:sheet", NS)):
        target = targets[sheet.get(f"{{{NS['r']}}}id")].lstrip("/")
        path = target if target.startswith("xl/") else f"xl/{target}"
        ws = _xml(z, path)
        setup = ws.find("m:pageSetup", NS)
        fit = ws.find("m:sheetPr/m:pageSetUpPr", NS)
        breaks = [int(b.get("id") or 0) for b in ws.iterfind("m:rowBreaks/m:brk", NS)]
        charts = []
        drawing = ws.find("m:drawing", NS)
        if drawing is not None:
            sheet_rels = path.replace("worksheets/", "worksheets/_rels/") + ".rels"
            rel_root = _xml(z, sheet_rels)
            rid = drawing.get(f"{{{NS['r']}}}id")
            drawing_target = next(r.get("Target") for r in rel_root if r.get("Id") == rid)
            drawing_path = "xl/" + drawing_target.replace("../", "").lstrip("/").removeprefix("xl/")
            root = _xml(z, drawing_path)
            for anchor in root:
                start = anchor.find("xdr:from/xdr:row", NS)
                assert start is not None, f"{sheet.get('name')}: a chart without an anchor"
                first = int(start.text or 0)
                end, ext = anchor.find("xdr:to/xdr:row", NS), anchor.find("xdr:ext", NS)
                if end is not None:
                    last = int(end.text or 0)
                else:  # one-cell anchor: the chart's height over default-height rows
                    assert ext is not None
                    last = first + -(-int(ext.get("cy") or 0) // ROW_EMU) - 1
                charts.append((first, last))
        found.append(
            SheetLayout(
                name=sheet.get("name") or "",
                fit_width=fit is not None
                and fit.get("fitToPage") in ("1", "true")
                and setup is not None
                and setup.get("fitToWidth", "1") == "1"
                and setup.get("fitToHeight") == "0",
                landscape=setup is not None and setup.get("orientation") == "landscape",
                title_rows=titles.get(i),
                row_breaks=breaks,
                charts=charts,
            )
        )
    return found
