"""An employer's Excel lists at the window: the 增减 sheet (enrollment/sheets.py: every row
checked, errors by row and column; a valid sheet becomes one 职工参保登记 case, taken to 办结 on
its case page like any other, when all its rows apply at once), the roster export and
the 缴费基数申报 template (contributions/base_sheet.py; a filled one is handed in with the
contribution-base application at window intake). Employers of the clerk's region only."""
import io
import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from yibao.cases.exceptions import CaseError
from yibao.contributions import base_sheet
from yibao.core.models import Channel
from yibao.enrollment import sheets
from yibao.enrollment.exceptions import RegisterError
from yibao.enrollment.models import Employer
from yibao.people.identity import normalise
from yibao.workbench import forms
from yibao.workbench.access import forbidden, may, staff_required
from yibao.workbench.actions import note_download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _employer(request, uscc):
    """The employer of the clerk's region with this USCC, or None."""
    return Employer.objects.filter(uscc=normalise(uscc), region=request.staff.region).first()


def _xlsx(content, file_name):
    response = HttpResponse(content, content_type=XLSX)
    response.headers["Content-Disposition"] = content_disposition_header(True, file_name)
    response.headers["Cache-Control"] = "private, no-store"  # personal data
    return response


@staff_required
def employer_sheets(request):
    region = request.staff.region
    if not may(request.user, "accept", region_id=region.pk):
        return forbidden(request, "单位批量业务由窗口受理人员办理：需要“窗口受理”角色")
    upload = forms.SheetForm(request.POST or None, request.FILES or None, prefix="sheet")
    errors, status = [], 200
    if request.method == "POST" and upload.is_valid():
        employer = _employer(request, upload.cleaned_data["uscc"])
        if employer is None:
            upload.add_error("uscc", f"{region.name}没有该统一社会信用代码的参保单位")
        else:
            f = upload.cleaned_data["sheet"]
            try:
                case = sheets.import_sheet(f, employer_uscc=employer.uscc, actor=request.user,
                                           channel=Channel.WINDOW, file_name=f.name, office=request.staff.office)
            except sheets.SheetInvalid as exc:
                errors = exc.errors
                upload.add_error(None, exc.message)
            except (RegisterError, CaseError) as exc:
                upload.add_error(None, exc.message)
            else:
                rows = len(case.data["sheet"]["rows"])
                messages.success(request, f"{employer.name}的增减表（{rows}行）已登记为职工参保登记办件{case.receipt_no}，"
                                          f"受理、审核后办结时一并生效")
                return redirect("workbench:case", receipt_no=case.receipt_no)
    if request.method == "POST":
        status = 400
    return render(request, "workbench/employer_sheets.html", {
        "upload": upload, "errors": errors, "columns": sheets.COLUMNS,
        "roster": forms.UnitForm(prefix="roster"), "base": forms.BaseSheetForm(prefix="base"),
    }, status=status)


def _back_with(request, message):
    messages.error(request, message)
    return redirect("workbench:employer_sheets")


@staff_required
def roster_export(request):
    form = forms.UnitForm(request.GET, prefix="roster")
    if not form.is_valid():
        return _back_with(request, "请填写单位统一社会信用代码")
    employer = _employer(request, form.cleaned_data["uscc"])
    if employer is None:
        return _back_with(request, f"{request.staff.region.name}没有该统一社会信用代码的参保单位")
    with tempfile.TemporaryDirectory() as folder:
        path = sheets.export_roster(employer, Path(folder) / "roster.xlsx")
        content = Path(path).read_bytes()
    note_download(request.user, employer, what="导出职工花名册", summary=f"{employer.name}")
    return _xlsx(content, f"{employer.name}-职工花名册.xlsx")


@staff_required
def base_template(request):
    form = forms.BaseSheetForm(request.GET, prefix="base")
    if not form.is_valid():
        return _back_with(request, "请填写单位统一社会信用代码和申报年度")
    employer = _employer(request, form.cleaned_data["uscc"])
    if employer is None:
        return _back_with(request, f"{request.staff.region.name}没有该统一社会信用代码的参保单位")
    year = form.cleaned_data["year"]
    note_download(request.user, employer, what="导出缴费基数申报表", summary=f"{employer.name} {year}年度")
    return _xlsx(base_sheet.template_sheet(employer, year), f"{employer.name}-{year}年度缴费基数申报表.xlsx")


def base_rows(upload):
    """The contribution-base rows of an uploaded sheet (SheetInvalid lists every bad cell)."""
    return base_sheet.rows_from_sheet(io.BytesIO(upload.read()))
