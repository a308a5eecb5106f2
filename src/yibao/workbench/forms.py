"""The workbench's forms. They parse what staff type; every rule is checked by the action they feed."""
from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from yibao.cases.checklist import COMMITMENT, DOCUMENT
from yibao.cases.deadlines import DUE_LABELS
from yibao.cases.handlers import handler_for
from yibao.cases.models import FollowUpOutcome
from yibao.cases.states import CaseState
from yibao.core.models import Channel
from yibao.core.schemaforms import case_data, field_for_error, schema_fields
from yibao.payments.models import AccountKind
from yibao.people.models import IdType
from yibao.workbench.actions import STAFF_CHANNELS
from yibao.workbench.queries import ALL

# type=date needs the ISO form whatever the locale's display format.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
APPLICANT_KINDS = [("", "不区分"), ("在职职工", "在职职工"), ("灵活就业人员", "灵活就业人员")]
ID_TYPES = [(t.value, t.label) for t in IdType]
MATERIAL_WAYS = [("", "未收到"), (DOCUMENT, "已收材料")]
COMMITMENT_WAY = (COMMITMENT, "以个人承诺书代替")


class Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)


def material_field(entry_name, when="", commitment_allowed=False, initial=""):
    """How a material was handed in: not yet, the document, or (where the guide allows) a 承诺书."""
    label = f"{entry_name}（{when}）" if when else entry_name
    choices = MATERIAL_WAYS + ([COMMITMENT_WAY] if commitment_allowed else [])
    return forms.ChoiceField(label=label, choices=choices, required=False, initial=initial,
                             widget=forms.RadioSelect)


def supplied(cleaned, prefix="m_"):
    """{material key: DOCUMENT|COMMITMENT} from the material fields that were ticked."""
    return {k[len(prefix):]: v for k, v in cleaned.items() if k.startswith(prefix) and v}


# ---------------------------------------------------------------- queue


class PlainSelect(forms.Select):
    """A <select> of plain choices (no groups) built in Python: Django renders every <option>
    through a template of its own, most of the queue page's rendering with a guide's ~40 items."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.format_value(value)
        chosen = chosen[0] if chosen else ""
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (key, mark_safe(" selected") if str(key) == chosen else "", label) for key, label in self.choices))
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)),
                           options)


class QueueFilterForm(Form):
    office = forms.ChoiceField(label="经办机构", required=False, widget=PlainSelect)
    item = forms.ChoiceField(label="事项", required=False, widget=PlainSelect)
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "未办结（全部）"), *CaseState.choices, (ALL, "全部办件")],
        widget=PlainSelect,
    )
    due = forms.ChoiceField(label="期限", required=False, choices=[("", "不限"), *DUE_LABELS.items()],
                            widget=PlainSelect)

    def __init__(self, *args, offices=(), items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", "全部"), *((o, o) for o in offices)]
        self.fields["item"].choices = [("", "全部"), *items]


# ---------------------------------------------------------------- window intake


class IntakeForm(Form):
    """An application staff enter: how it came in, who applies (and who for), the conditions, the
    materials received."""

    channel = forms.ChoiceField(label="申请渠道", choices=[(c, Channel(c).label) for c in STAFF_CHANNELS],
                                initial=Channel.WINDOW, required=False, widget=forms.RadioSelect)
    id_type = forms.ChoiceField(label="申请人证件类型", choices=ID_TYPES, initial=IdType.RESIDENT_ID)
    id_number = forms.CharField(label="申请人证件号码", max_length=40)
    name = forms.CharField(label="申请人姓名/单位名称", max_length=200, required=False,
                           help_text="申请人未注册时填写，将当场为其注册")
    phone = forms.CharField(label="申请人联系电话", max_length=30, required=False,
                            help_text="申请人未注册时填写")
    agent_id_type = forms.ChoiceField(label="代理人证件类型", choices=ID_TYPES, initial=IdType.RESIDENT_ID,
                                      required=False)
    agent_id_number = forms.CharField(label="代理人证件号码", max_length=40, required=False,
                                      help_text="委托他人代为办理时填写")
    agent_name = forms.CharField(label="代理人姓名", max_length=200, required=False)
    agent_phone = forms.CharField(label="代理人联系电话", max_length=30, required=False)
    applicant_kind = forms.ChoiceField(label="申请人类别", choices=APPLICANT_KINDS, required=False)
    sub_type = forms.CharField(label="办理情形", max_length=100, required=False,
                               help_text="如 新参保、注销登记、关系转出、死亡 等，按指南所列情形填写")
    special_groups = forms.CharField(label="特殊人群", max_length=200, required=False,
                                     help_text="如 港澳台人员、外国人；多个用“、”分隔")
    comment = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, materials=(), schema=None, keys=None, sheet_label="", **kwargs):
        """materials: the item's catalogue materials (catalog.Material rows); schema: the item
        handler's case data (a pydantic model), asked for field by field; keys: what its dict
        fields may hold ({key: 中文名})."""
        super().__init__(*args, **kwargs)
        self.data_groups = {}  # group label ("" for top-level fields) -> [field names]
        for name, field, group in (schema_fields(schema, keys=keys) if schema is not None else []):
            self.fields[name] = field
            self.data_groups.setdefault(group, []).append(name)
        if sheet_label:  # the rows may come as the Excel sheet offices exchange instead
            self.fields["sheet"] = forms.FileField(label=sheet_label, required=False,
                                                   help_text="上传后以表格内容为准，无需再逐行填写",
                                                   widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
        for m in materials:
            self.fields[f"m_{m.ordinal}"] = material_field(m.name, m.when, m.commitment_fallback)
        for name, target in (("id_number", "#applicant-found"), ("agent_id_number", "#agent-found")):
            # htmx: say at once whether the number is a registered applicant.
            self.fields[name].widget.attrs.update({
                "hx-post": reverse("workbench:lookup_applicant"), "hx-trigger": "change", "hx-target": target,
                "hx-vals": f'{{"field": "{name}"}}', "autocomplete": "off",
            })  # fmt: skip
        self.fields["sub_type"].widget.attrs["list"] = "condition-hints"

    def clean_channel(self):
        return self.cleaned_data["channel"] or Channel.WINDOW  # not chosen: it came in at the window

    @property
    def material_fields(self):
        return [self[name] for name in self.fields if name.startswith("m_")]

    def data_sections(self):
        return [(group, [self[n] for n in names]) for group, names in self.data_groups.items()]

    def case_data(self):
        return case_data(self.cleaned_data, [n for names in self.data_groups.values() for n in names])

    def add_data_errors(self, exc):
        """Put the handler's complaints beside the fields they concern; True if any was placed."""
        placed = False
        for err in (getattr(exc, "details", None) or {}).get("errors", []):
            name = field_for_error(err.get("field"), self.fields)
            if name:
                self.add_error(name, err.get("message") or exc.message)
                placed = True
        return placed

    def conditions(self):
        data = self.cleaned_data
        groups = [g.strip() for g in data["special_groups"].replace(",", "、").replace("，", "、").split("、")]
        return {
            "applicant_kind": data["applicant_kind"],
            "sub_type": data["sub_type"].strip(),
            "special_groups": [g for g in groups if g],
        }


# ---------------------------------------------------------------- the case page's actions


class StepForm(Form):
    """Every action form carries the case version the page showed (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(label="说明", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case=None, entries=(), offices=(), **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)
        if case is not None and not self.is_bound:
            self.fields["version"].initial = case.version

    def engine_args(self):
        """What the engine function behind the step takes from this form (people.verbs)."""
        return {"comment": self.cleaned_data.get("comment", "")}


class ReasonForm(StepForm):
    # Not required here: the action refuses an empty reason with its own message.
    reason = forms.CharField(label="理由", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def engine_args(self):
        return {**super().engine_args(), "reason": self.cleaned_data["reason"]}


class ApproveForm(StepForm):
    amount = forms.CharField(label="核定金额（元）", required=False, max_length=20,
                             help_text="需拨付的事项填写；不需拨付的留空")

    def engine_args(self):
        return {**super().engine_args(), "amount": self.cleaned_data["amount"].strip() or None}


class PayForm(StepForm):
    """拨付: makes the payment order. The payee comes from the case data where the item's handler
    knows it (account withdrawal); otherwise the payer names it here. Required-ness and the
    account check are the action's (payments.make_order)."""

    payee_name = forms.CharField(label="收款人", required=False, max_length=200)
    account_kind = forms.ChoiceField(label="账户类型", required=False, choices=AccountKind.choices)
    account_no = forms.CharField(label="收款账号", required=False, max_length=40)
    bank_name = forms.CharField(label="开户银行", required=False, max_length=100)
    reference = forms.CharField(label="拨付凭证号", required=False, max_length=100)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        if case is not None and handler_for(case.item_code).pays:
            for name in ("payee_name", "account_kind", "account_no", "bank_name"):
                del self.fields[name]  # the handler pays the account the application names

    def payee(self):
        d = self.cleaned_data
        if not d.get("payee_name") and not d.get("account_no"):
            return None
        return {k: d.get(k, "") for k in ("payee_name", "account_kind", "account_no", "bank_name")}

    def engine_args(self):
        return {**super().engine_args(), "reference": self.cleaned_data["reference"], "payee": self.payee()}


class ReassignForm(StepForm):
    office = forms.ChoiceField(label="改派至")

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(o, o) for o in offices]

    def engine_args(self):
        return {**super().engine_args(), "office": self.cleaned_data["office"]}


class CorrectionForm(StepForm):
    """一次性告知: every material of the checklist with a box for a defect; the missing ones are
    listed by the action itself, so the notice names everything at once."""

    supply_by = forms.DateField(label="补正期限", required=False, widget=DATE,
                                help_text="留空则按规定的工作日数计算")

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        for e in self.entries:
            if e.missing:
                continue
            self.fields[f"defect_{e.key}"] = forms.BooleanField(label=e.name, required=False)
            self.fields[f"problem_{e.key}"] = forms.CharField(label="存在的问题", required=False, max_length=500)
            self.fields[f"how_{e.key}"] = forms.CharField(label="补正方式", required=False, max_length=500)

    def rows(self):
        """[(entry, defect box, problem, how)] for the template; missing ones have no boxes."""
        return [
            (e, *(self[f"{p}_{e.key}"] if f"{p}_{e.key}" in self.fields else None for p in ("defect", "problem", "how")))
            for e in self.entries
        ]

    def defects(self):
        data = self.cleaned_data
        return [
            {"key": e.key, "problem": data.get(f"problem_{e.key}", ""), "how": data.get(f"how_{e.key}", "")}
            for e in self.entries
            if data.get(f"defect_{e.key}")
        ]

    def engine_args(self):
        return {**super().engine_args(), "defects": self.defects(), "supply_by": self.cleaned_data["supply_by"]}


class MaterialsForm(StepForm):
    """Materials handed in at the window after submission: 补正 or 容缺 补交."""

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        for e in entries:
            if e.missing or e.owed_due:
                self.fields[f"m_{e.key}"] = material_field(e.name, e.when, e.commitment_allowed)

    @property
    def material_fields(self):
        return [self[name] for name in self.fields if name.startswith("m_")]

    def engine_args(self):
        return {**super().engine_args(), "materials": supplied(self.cleaned_data)}


# The input kinds of the verb table (people.verbs) as the case page's forms.
STEP_FORMS = {"comment": StepForm, "accept": StepForm, "reason": ReasonForm, "approve": ApproveForm, "pay": PayForm,
              "reassign": ReassignForm, "correction": CorrectionForm, "materials": MaterialsForm}


class FollowUpForm(Form):
    outcome = forms.ChoiceField(label="处理结果", choices=FollowUpOutcome.choices)
    note = forms.CharField(label="核实与整改情况", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    called_back_on = forms.DateField(label="回访日期", required=False, widget=DATE)


class PeriodForm(Form):
    start = forms.DateField(label="自", widget=DATE)
    end = forms.DateField(label="至", widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("起始日期不能晚于截止日期")
        return data


# ---------------------------------------------------------------- payment orders


class OrderStepForm(Form):
    """A step on a payment order: 复核, 确认支付 (bank reference), 支付失败 or 作废 (reason).
    Required-ness is the action's: an empty reference or reason is refused with its message."""

    bank_reference = forms.CharField(label="银行流水号", required=False, max_length=64)
    reason = forms.CharField(label="原因", required=False, max_length=300)
    comment = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args, step="", **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"pay": ("bank_reference",), "fail": ("reason",), "cancel": ("reason",)}.get(step, ("comment",))
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


class BatchCreateForm(Form):
    account_kind = forms.ChoiceField(label="账户类型", choices=AccountKind.choices)
    bank_name = forms.CharField(label="开户银行", required=False, max_length=100)


class ReturnFileForm(Form):
    file = forms.FileField(label="银行回盘文件（xlsx 或 CSV）", max_length=200,
                           help_text="每行：指令号（或账号）、金额、成功/失败、银行流水号、失败原因")


# ---------------------------------------------------------------- bulk sheets


class SheetForm(Form):
    """An employer's Excel sheet handed in at the window."""

    uscc = forms.CharField(label="单位统一社会信用代码", max_length=18)
    sheet = forms.FileField(label="Excel表格（.xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def clean_sheet(self):
        upload = self.cleaned_data["sheet"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传Excel（.xlsx）文件")
        return upload


class UnitForm(Form):
    uscc = forms.CharField(label="单位统一社会信用代码", max_length=18)


class BaseSheetForm(Form):
    uscc = forms.CharField(label="单位统一社会信用代码", max_length=18)
    year = forms.IntegerField(label="申报年度", min_value=2000, max_value=2100)


class PersonForm(Form):
    id_number = forms.CharField(label="参保人员证件号码", max_length=32)
