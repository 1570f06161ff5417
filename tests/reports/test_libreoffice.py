"""The workbooks open in LibreOffice headless (converted to PDF without error)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from mentorship.services import exports
from tests.reports import institution
from tests.reports.helpers import request

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
)
def test_workbooks_open_in_libreoffice(app, f, tmp_path):
    institution.build(f)
    files = []
    for report in ("engagement", "inclusivity", "annual-review"):
        path = tmp_path / f"{report}.xlsx"
        path.write_bytes(exports.build_report(report, request(app)))
        files.append(str(path))
    result = subprocess.run(  # noqa: S603 (fixed arguments, our own files)
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for report in ("engagement", "inclusivity", "annual-review"):
        pdf = tmp_path / "pdf" / f"{report}.pdf"
        assert pdf.exists() and pdf.stat().st_size > 1000, result.stdout + result.stderr
        assert pdf.read_bytes().startswith(b"%PDF")
