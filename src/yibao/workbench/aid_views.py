"""Medical aid on the workbench: the recipient lists an office received (upload: xlsx or CSV), the
免申即享 batches over them (start one as a background task, follow its progress, read its report),
the batch's payment orders (制单, by a payer) and 办结 of its paid cases, and the external
determination of an applicant not yet recognised (R65). Each POST parses, then calls one action."""
from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yibao.cases.exceptions import CaseError
from yibao.core.models import Channel
from yibao.enrollment.models import Person
from yibao.medical_aid import actions as aid
from yibao.medical_aid import batch as aid_batch
from yibao.medical_aid import lists
from yibao.medical_aid.models import BatchState, Category, RecipientList, Source, SubsidyBatch
from yibao.medical_aid.tasks import run_subsidy_batch
from yibao.workbench.access import forbidden, may, staff_required

W = Channel.WINDOW


class ListForm(forms.Form):
    source = forms.ChoiceField(label="提供部门", choices=Source.choices)
    year = forms.IntegerField(label="资助年度", min_value=2000, max_value=2100)
    period = forms.CharField(label="名单所属期", max_length=20, required=False, help_text="如 2026-03；默认为资助年度")
    file = forms.FileField(label="名单文件（xlsx 或 CSV）")


class RecogniseForm(forms.Form):
    id_number = forms.CharField(label="证件号码", max_length=32)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    category = forms.ChoiceField(label="救助类别", choices=Category.choices)
    source = forms.ChoiceField(label="认定部门", choices=Source.choices)
    reference = forms.CharField(label="认定文书编号", max_length=200)


def _page(request, *, upload=None, recognise=None, status=200):
    region = request.staff.region
    return render(request, "workbench/aid.html", {
        "upload": upload or ListForm(prefix="list", initial={"year": 2026}),
        "recognise": recognise or RecogniseForm(prefix="rec", initial={"year": 2026}),
        "lists": RecipientList.objects.filter(region=region)[:100],
        "batches": SubsidyBatch.objects.filter(region=region).annotate(n=Count("lists"))[:50],
        "columns": "序号、姓名、身份证号码、救助类别、社会保障卡金融账号、开户银行",
    }, status=status)


@staff_required
def overview(request):
    if not may(request.user, "view", region_id=request.staff.region_id):
        return forbidden(request, "需要本地区经办角色")
    return _page(request)


def _clerk(request):
    return may(request.user, "accept", region_id=request.staff.region_id)


@staff_required
@require_POST
def upload_list(request):
    if not _clerk(request):
        return forbidden(request, "救助对象名单由窗口受理人员导入：需要“窗口受理”角色")
    form = ListForm(request.POST, request.FILES, prefix="list")
    if not form.is_valid():
        return _page(request, upload=form, status=400)
    f = form.cleaned_data["file"]
    if f.size > lists.MAX_BYTES:
        form.add_error("file", "名单文件过大（不超过30MB），请拆分后上传")
        return _page(request, upload=form, status=400)
    try:
        found, new = lists.store_list(request.staff.region, source=form.cleaned_data["source"],
                                      period=form.cleaned_data["period"], year=form.cleaned_data["year"],
                                      content=f.read(), filename=f.name, actor=request.user, channel=W)
    except CaseError as exc:
        form.add_error(None, exc.message)
        return _page(request, upload=form, status=400)
    messages.success(request, f"{'已导入' if new else '该名单此前已导入'}：{found}")
    return redirect("workbench:aid")


@staff_required
@require_POST
def start_batch(request):
    if not _clerk(request):
        return forbidden(request, "免申即享批次由窗口受理人员发起：需要“窗口受理”角色")
    region = request.staff.region
    ids = [int(x) for x in request.POST.getlist("lists") if x.isdigit()]
    chosen = list(RecipientList.objects.filter(region=region, pk__in=ids))
    years = {rl.year for rl in chosen}
    try:
        if len(years) > 1:
            raise aid_batch.BatchError("所选名单的资助年度不同，请分别运行")
        found = aid_batch.create_batch(region, years.pop() if years else 0, chosen, actor=request.user, channel=W)
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect("workbench:aid")
    run_subsidy_batch.enqueue(found.pk)  # a worker runs it (the immediate backend: now, in this request)
    return redirect("workbench:aid_batch", pk=found.pk)


def _batch(request, pk):
    found = SubsidyBatch.objects.select_related("region").filter(pk=pk, region=request.staff.region).first()
    if found is None:
        raise Http404("未找到该批次")
    return found


@staff_required
def batch_detail(request, pk):
    found = _batch(request, pk)
    return render(request, "workbench/aid_batch.html", {
        "batch": found, "report": aid_batch.report(found),
        "running": found.state in (BatchState.QUEUED, BatchState.RUNNING),
        "may_pay": may(request.user, "pay", region_id=found.region_id),
        "may_resume": _clerk(request) and found.state in (BatchState.FAILED, BatchState.RUNNING),
    })


@staff_required
@require_POST
def batch_step(request, pk, step):
    found = _batch(request, pk)
    try:
        if step == "pay":
            if not may(request.user, "pay", region_id=found.region_id):
                return forbidden(request, "制单须由拨付人员办理")
            made, refused = aid_batch.pay_orders(found, request.user, channel=W)
            messages.success(request, f"已生成支付指令{made}笔；请由另一拨付人员复核，再组批交银行")
            for receipt, message in refused[:10]:
                messages.error(request, f"{receipt}：{message}")
        elif step == "complete":
            messages.success(request, f"已办结{aid_batch.complete_paid(found)}件（已拨付的办件）")
        elif step == "resume":
            if not _clerk(request):
                return forbidden(request, "需要“窗口受理”角色")
            run_subsidy_batch.enqueue(found.pk)
            messages.success(request, "已重新运行该批次（已处理的行不再重复处理）")
        else:
            raise Http404("没有该操作")
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect("workbench:aid_batch", pk=found.pk)


@staff_required
@require_POST
def recognise(request):
    if not may(request.user, "approve", region_id=request.staff.region_id):
        return forbidden(request, "认定结果由审核人员录入：需要“审核”角色")
    form = RecogniseForm(request.POST, prefix="rec")
    if not form.is_valid():
        return _page(request, recognise=form, status=400)
    data = form.cleaned_data
    person = Person.objects.filter(id_number=data["id_number"].strip().upper(), region=request.staff.region).first()
    if person is None:
        form.add_error("id_number", "本地区没有该证件号码的参保人员")
        return _page(request, recognise=form, status=400)
    try:
        row = aid.recognise(person, data["year"], data["category"], data["source"], data["reference"],
                            actor=request.user, channel=W)
    except CaseError as exc:
        form.add_error(None, exc.message)
        return _page(request, recognise=form, status=400)
    messages.success(request, f"已录入认定结果：{row}")
    return redirect("workbench:aid")


@staff_required
def sample_list(request):
    """The shipped sample list (the demo's residents of 攀枝花), to try a batch or copy the columns."""
    from django.http import HttpResponse

    content = lists.SAMPLE.read_bytes()
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''aid-list-sample.csv"
    return response
