"""职工增减表 on the public site: a unit, logged in with its account, uploads its Excel sheet of
增加/减少 rows; a valid sheet becomes one 职工参保登记 case (enrollment/sheets.py), followed in
我的办件 like any other, and nobody is enrolled before that case completes. A sheet with errors
files nothing and lists them by row and column."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render

from yibao.cases.exceptions import CaseError
from yibao.core.models import Channel
from yibao.enrollment import sheets
from yibao.enrollment.exceptions import RegisterError
from yibao.enrollment.models import Employer
from yibao.people.models import ApplicantKind

MAX_SHEET_BYTES = 50 * 1024 * 1024


class SheetUploadForm(forms.Form):
    sheet = forms.FileField(label="职工增减表（.xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def clean_sheet(self):
        upload = self.cleaned_data["sheet"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 Excel（.xlsx）表格")
        if upload.size > MAX_SHEET_BYTES:
            raise forms.ValidationError("表格文件过大（不超过50MB）")
        return upload


def _unit(user):
    try:
        applicant = user.applicant
    except ObjectDoesNotExist:
        applicant = None
    if applicant is None or applicant.kind != ApplicantKind.EMPLOYER:
        raise Http404("职工增减表由参保单位以单位账户上传")
    return applicant


@login_required
def employer_sheet(request):
    unit = _unit(request.user)
    employer = Employer.objects.filter(uscc=unit.id_number).first()
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["sheet"]
        try:
            case = sheets.import_sheet(upload, employer_uscc=unit.id_number, actor=request.user,
                                       channel=Channel.PORTAL, file_name=upload.name)
        except sheets.SheetInvalid as exc:
            errors = exc.errors
            form.add_error(None, exc.message)
        except (RegisterError, CaseError) as exc:
            form.add_error(None, exc.message)
        except (OSError, ValueError, KeyError):  # not a workbook
            form.add_error("sheet", "无法读取该文件，请上传 Excel（.xlsx）表格")
        else:
            messages.success(request, f"增减表已提交为职工参保登记办件{case.receipt_no}，经办机构受理、审核后办结时一并生效")
            return redirect("portal:my_case", receipt_no=case.receipt_no)
    return render(request, "portal/employer_sheet.html", {
        "form": form, "errors": errors, "employer": employer, "columns": sheets.COLUMNS,
    }, status=400 if request.method == "POST" else 200)
