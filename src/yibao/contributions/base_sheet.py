"""The Excel sheet of a 缴费基数申报 (openpyxl): one row per employee, 证件号码 / 姓名 / 月缴费基数（元）.

rows_from_sheet() turns a sheet into the case data's rows, keeping each row's Excel row number,
and lists every format error by row and column (sheets.SheetInvalid) before anything is filed;
the register checks (enrolled here, within the floor and ceiling, not declared before) then run
on the case and report by the same row numbers. template_sheet() gives an employer its roster
in these columns, with last year's bases, to fill in.
"""
import io


from yibao.contributions.models import ContributionBase
from yibao.core.money import MoneyError, yuan
from yibao.enrollment.models import OPEN_STATUSES
from yibao.enrollment.sheets import MAX_ERRORS, RowError, SheetInvalid, cell_text, sheet_rows

ID, NAME, BASE = "证件号码", "姓名", "月缴费基数（元）"
COLUMNS = [ID, NAME, BASE]


def rows_from_sheet(source):
    """[{"row", "id_number", "name", "base"}] from the first worksheet, or SheetInvalid."""
    rows, errors, unchecked = [], [], 0
    for found, number, cells in sheet_rows(source, (ID, BASE), COLUMNS):
        cell = {c: cell_text(cells[i]) if i < len(cells) else "" for c, i in found.items()}
        if not any(cell.values()):
            continue
        if len(errors) >= MAX_ERRORS:
            unchecked += 1
            continue
        if not cell[ID]:
            errors.append(RowError(number, ID, "未填写证件号码"))
        try:
            base = str(yuan(cell[BASE]))
        except MoneyError:
            errors.append(RowError(number, BASE, "缴费基数应为金额（元）"))
            base = ""
        rows.append({"row": number, "id_number": cell[ID].upper(), "name": cell.get(NAME, ""), "base": base})
    if errors:
        raise SheetInvalid(errors, unchecked=unchecked)
    if not rows:
        raise SheetInvalid([RowError(0, "", "表格中没有申报数据")])
    return rows


def template_sheet(employer, year):
    """The employer's open roster in the declaration's columns (xlsx bytes), with the base each
    employee had for the year before where there was one."""
    last = dict(ContributionBase.objects.filter(employer=employer, year=year - 1).values_list("person_id", "base"))
    from openpyxl import Workbook  # loaded when a sheet is written: `yibao` starts without it

    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"{year}年度缴费基数申报")
    sheet.append(COLUMNS)
    for e in employer.enrollments.filter(status__in=OPEN_STATUSES).select_related("person").order_by("person__name"):
        base = last.get(e.person_id)
        sheet.append([e.person.id_number, e.person.name, str(base) if base is not None else None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
