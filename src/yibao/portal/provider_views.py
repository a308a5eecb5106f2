"""Designated providers on the public site: the public list per region (anyone), and for a
provider's own account its register record and agreement, the items it may apply for, the claim
file upload, the preliminary result with its line-by-line answer, and the statements. Views parse
and authorise, then call one providers action."""
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from yibao.cases.actions import submit_case
from yibao.cases.exceptions import CaseError, ItemNotAvailable
from yibao.cases.snapshot import item_in_force
from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.people.models import ApplicantKind
from yibao.people.policy import NotAllowed
from yibao.providers import actions, queries
from yibao.providers.audit import RULES
from yibao.providers.documents import statement_pdf, statement_xlsx
from yibao.providers.handlers import HANDLERS
from yibao.providers.models import ClaimSubmission, ProviderKind, Verdict
from yibao.providers.sample import sample_claims

PORTAL = Channel.PORTAL
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SETTLEMENT_NOT_FOUND = "未找到该结算申报"


def public_list(request, region_code):
    region = get_object_or_404(Region, code=region_code, is_template=False)
    kind = request.GET.get("kind", "")
    rows = queries.public_list(region, kind=kind if kind in ProviderKind.values else None)
    return render(request, "portal/providers/list.html", {"region": region, "rows": rows, "kind": kind,
                                                          "kinds": ProviderKind.choices})


def _provider_account(request):
    try:
        applicant = request.user.applicant
    except ObjectDoesNotExist:
        applicant = None
    if applicant is None or applicant.kind != ApplicantKind.PROVIDER:
        raise Http404("当前账户不是定点医药机构账户")
    return applicant


def _items(region, provider):
    """The provider items of the region's guide in force, with their apply links."""
    found = []
    for code, handler in HANDLERS.items():
        if code.endswith("-settlement") and not code.startswith("provider"):
            continue  # settlement is applied for by uploading the claim file below
        try:
            item = item_in_force(region, code)
        except ItemNotAvailable:
            continue
        found.append({"code": code, "title": item.title, "item_id": item.pk})
    return found


@login_required
def my_provider(request):
    applicant = _provider_account(request)
    provider = queries.provider_of_account(applicant)
    region = provider.region if provider else applicant.region
    agreement = provider.agreements.order_by("-created_at", "-id").first() if provider else None
    context = {
        "applicant": applicant, "provider": provider, "agreement": agreement,
        "events": agreement.events.select_related("case").order_by("at", "id") if agreement else [],
        "items": _items(region, provider) if region else [],
        "submissions": queries.submissions_of(provider) if provider else [],
        "releases": provider.deposit_releases.select_related("case") if provider else [],
        "word": queries.suspension_word(region) if region else "暂停",
    }
    return render(request, "portal/providers/mine.html", context)


@login_required
@require_POST
def upload_claims(request):
    applicant = _provider_account(request)
    provider = queries.provider_of_account(applicant)
    if provider is None:
        raise Http404("本机构尚未登记")
    period = (request.POST.get("period") or "").strip()
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择结算清单文件（CSV或xlsx）")
        return redirect("portal:my_provider")

    def open_case(code, data):
        item = item_in_force(provider.region, code)
        return submit_case(item=item, applicant=applicant, actor=request.user, channel=PORTAL, data=data,
                           materials={str(m.ordinal): "document" for m in item.materials.all() if not m.when})

    try:
        submission = actions.submit_claims(provider, period, upload, upload.name, request.user, channel=PORTAL,
                                           open_case=open_case)
    except (CaseError, NotAllowed) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
        return redirect("portal:my_provider")
    if not submission.lines:
        messages.success(request, f"已零申报{submission.period}结算（本期无医保费用，无需拨付）")
    else:
        messages.success(request, f"已申报{submission.period}结算：{submission.lines}条明细，初审拒付"
                                  f"{submission.flagged.count()}条，请逐条反馈意见")
    return redirect("portal:my_settlement", pk=submission.pk)


def _own_submission(request, pk):
    applicant = _provider_account(request)
    submission = ClaimSubmission.objects.select_related("provider", "case", "region").filter(pk=pk).first()
    if submission is None or submission.provider.code != applicant.id_number:
        raise Http404(SETTLEMENT_NOT_FOUND)
    return submission


@login_required
def my_settlement(request, pk):
    submission = _own_submission(request, pk)
    if request.method == "POST":
        answers = {}
        for f in submission.flagged.all():
            kind = request.POST.get(f"kind-{f.line_no}", "")
            if kind:
                answers[f.line_no] = (kind, request.POST.get(f"reason-{f.line_no}", ""))
        try:
            if not answers:
                raise ValueError("请至少对一条明细选择“认可”或“有异议”")
            actions.answer_lines(submission, answers, request.user, channel=PORTAL)
        except (CaseError, NotAllowed, ValueError) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        else:
            messages.success(request, f"已提交{len(answers)}条反馈意见")
        return redirect("portal:my_settlement", pk=submission.pk)
    flagged = list(submission.flagged.order_by("line_no")[:2000])
    for f in flagged:
        f.rule_labels = [RULES.get(r, r) for r in f.rules]
    return render(request, "portal/providers/settlement.html", {
        "s": submission, "flagged": flagged, "rules": RULES, "Verdict": Verdict,
        "answerable": submission.state in ("audited", "answered"),
    })


@login_required
def my_statement(request, pk, fmt):
    submission = _own_submission(request, pk)
    if fmt == "pdf":
        response = HttpResponse(statement_pdf(submission), content_type="application/pdf")
    else:
        response = HttpResponse(statement_xlsx(submission), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"结算单-{submission.provider.code}-{submission.period}.{fmt}")
    return response


@login_required
def sample_claims_file(request):
    """A sample claim file of the period asked (for a first look at settlement)."""
    applicant = _provider_account(request)
    provider = queries.provider_of_account(applicant)
    period = (request.GET.get("period") or "").strip()
    if provider is None or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise Http404("请先登记，并填写结算期（YYYY-MM）")
    response = HttpResponse(sample_claims(provider, period), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True,
                                                                 filename=f"示例结算清单-{period}.csv")
    return response
