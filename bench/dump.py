"""The workbook benchmarks' baseline, run as a fresh process: `python -m bench.dump CELLS.pickle OUT.xlsx`.

It writes the same cell values (every sheet, every row) that a built workbook holds through openpyxl's
write-only mode and nothing else: no styles, charts, metrics or database. Only pickle and openpyxl load.
"""

import pickle  # noqa: S403 (the benchmark's own file, written a moment earlier)
import sys

from openpyxl import Workbook


def main(cells: str, out: str) -> None:
    with open(cells, "rb") as fh:
        sheets = pickle.load(fh)  # noqa: S301 (see above)
    wb = Workbook(write_only=True)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
