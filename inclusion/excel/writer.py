"""The one table writer of the bureau's exports: title, unit line, header, formats, totals, print setup."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from projects.importing.safety import FORMULA_START, excel_safe, excel_text_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"money": "#,##0.00", "int": "0", "rate": "0.0", "date": "yyyy-mm-dd", "text": "@"}
TITLE_ROW, UNIT_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = 4

_thin = Side(style="thin", color="999999")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
SUBTOTAL_FILL = PatternFill("solid", fgColor="FAFAFA")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int = 12
    kind: str = "text"  # text, money, int, rate, date
    hidden: bool = False


def period_label(year: int, month: int) -> str:
    return f"{year}年1–{month}月" if month > 1 else f"{year}年1月"


def _number(value):
    # A number cell: Decimal is written as float (two decimals survive; the format shows them).
    return float(value) if isinstance(value, Decimal) else value


def _placed(cells, row_idx):
    for col_idx, cell in enumerate(cells, 1):
        cell.column = col_idx
        cell.row = row_idx
        yield cell


class TableWriter:
    """Writes titled tables into one write-only workbook; `bytes()` closes it."""

    def __init__(self):
        self.wb = Workbook(write_only=True)
        self._styles: dict = {}

    def _cell(self, ws, value, style_key: tuple, **style):
        c = WriteOnlyCell(ws, value=value)
        cached = self._styles.get(style_key)
        if cached is None:
            for attr, v in style.items():
                setattr(c, attr, v)
            cached = self._styles[style_key] = copy(c._style)
        # A write-only cell is written and dropped at once, so cells share their style; only a
        # text that `excel_text_cell` marks with the quote prefix gets a copy of its own.
        c._style = copy(cached) if isinstance(value, str) and value.startswith(FORMULA_START) else cached
        return excel_text_cell(c)

    def table(
        self,
        *,
        sheet: str,
        title: str,
        columns: list[Column],
        rows: Iterable[dict],
        totals: dict | Callable[[], dict] | None,
        note: str = "",
        progress: Progress | None = None,
        total_rows: int = 0,
    ) -> int:
        ws = self.wb.create_sheet(sheet[:31])
        last = get_column_letter(len(columns))
        for i, col in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = col.width
            if col.hidden:
                ws.column_dimensions[get_column_letter(i)].hidden = True
        ws.freeze_panes = f"A{FIRST_DATA_ROW}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.merged_cells.add(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
        ws.merged_cells.add(f"A{UNIT_ROW}:{last}{UNIT_ROW}")
        ws.append(
            [
                self._cell(
                    ws,
                    excel_safe(title),
                    ("title",),
                    font=Font(size=15, bold=True),
                    alignment=Alignment(horizontal="center", vertical="center"),
                )
            ]
        )
        made = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        unit_line = f"单位：万元    {note}    制表时间：{made}" if note else f"单位：万元    制表时间：{made}"
        ws.append([self._cell(ws, excel_safe(unit_line), ("unit",), alignment=Alignment(horizontal="left"))])
        header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.append(
            [
                self._cell(
                    ws,
                    excel_safe(c.header),
                    ("header",),
                    font=Font(bold=True),
                    fill=HEADER_FILL,
                    alignment=header_align,
                    border=BORDER,
                )
                for c in columns
            ]
        )
        wrap = Alignment(vertical="top", wrap_text=True)

        def band_style(c: Column, band: str) -> dict:
            style = {"border": BORDER}
            if band == "total":
                style.update(font=Font(bold=True), fill=TOTAL_FILL)
            elif band == "subtotal":
                style.update(font=Font(bold=True), fill=SUBTOTAL_FILL)
            if c.kind == "text":
                style["alignment"] = wrap
            else:
                style["number_format"] = FORMATS[c.kind]
            return style

        styles = {band: [band_style(c, band) for c in columns] for band in ("row", "subtotal", "total")}

        def data_cells(values: dict, band: str):
            cells = []
            for c, style in zip(columns, styles[band], strict=True):
                value = values.get(c.key)
                if c.kind == "text":
                    value = excel_safe(value) if isinstance(value, str) else value
                else:
                    value = _number(value)
                cells.append(self._cell(ws, value, (c.key, band), **style))
            return cells

        # The rows are our own styled cells: place them as they are, not through openpyxl's
        # `_values_to_row`, which first tries each cell as a value (a ValueError per cell) and makes
        # a spare cell for every styled one — a third of a 20,000-row export's time.
        ws._values_to_row = _placed
        n = 0
        for values in rows:
            ws.append(data_cells(values, values.get("_band", "row")))
            n += 1
            if progress and n % 500 == 0:
                progress(n, total_rows)
        if callable(totals):  # a streamed table's totals, known once its rows are written
            totals = totals()
        if totals is not None:
            ws.append(data_cells(totals, "total"))
        return n

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.wb.save(out)
        return out.getvalue()
