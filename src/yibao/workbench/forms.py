"""The workbench's forms. They parse what staff type; every rule is checked by the action they feed."""
import json

from django import forms
from django.urls import reverse

from yibao.cases.checklist import COMMITMENT, DOCUMENT
from yibao.cases.deadlines import DUE_LABELS
from yibao.cases.models import FollowUpOutcome
from yibao.cases.states import CaseState
from yibao.people.models import IdType
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


class QueueFilterForm(Form):
    office = forms.ChoiceField(label="经办机构", required=False)
    item = forms.ChoiceField(label="事项", required=False)
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "未办结（全部）"), *CaseState.choices, (ALL, "全部办件")]
    )
    due = forms.ChoiceField(label="期限", required=False, choices=[("", "不限"), *DUE_LABELS.items()])

    def __init__(self, *args, offices=(), items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", "全部"), *((o, o) for o in offices)]
        self.fields["item"].choices = [("", "全部"), *items]


# ---------------------------------------------------------------- window intake


class IntakeForm(Form):
    """A window application: who applies (and who for), the conditions, the materials received."""

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
    case_data = forms.CharField(label="申请信息（JSON）", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    comment = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, materials=(), data_fields=(), **kwargs):
        """materials: the item's catalogue materials (catalog.Material rows); data_fields: the
        fields of the item handler's case data ([(name, required)]), if it declares any."""
        super().__init__(*args, **kwargs)
        if data_fields:
            self.fields["case_data"].help_text = "本事项须填写：" + "，".join(
                f"{name}{'（必填）' if required else ''}" for name, required in data_fields)
        else:
            del self.fields["case_data"]
        for m in materials:
            self.fields[f"m_{m.ordinal}"] = material_field(m.name, m.when, m.commitment_fallback)
        for name, target in (("id_number", "#applicant-found"), ("agent_id_number", "#agent-found")):
            # htmx: say at once whether the number is a registered applicant.
            self.fields[name].widget.attrs.update({
                "hx-post": reverse("workbench:lookup_applicant"), "hx-trigger": "change", "hx-target": target,
                "hx-vals": f'{{"field": "{name}"}}', "autocomplete": "off",
            })  # fmt: skip
        self.fields["sub_type"].widget.attrs["list"] = "condition-hints"

    @property
    def material_fields(self):
        return [self[name] for name in self.fields if name.startswith("m_")]

    def clean_case_data(self):
        text = self.cleaned_data["case_data"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError("申请信息应为JSON格式，如 {\"phone\": \"13800001111\"}") from None
        if not isinstance(value, dict):
            raise forms.ValidationError("申请信息应为JSON对象（花括号括起的键值）")
        return value

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


class ReasonForm(StepForm):
    # Not required here: the action refuses an empty reason with its own message.
    reason = forms.CharField(label="理由", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ApproveForm(StepForm):
    amount = forms.CharField(label="核定金额（元）", required=False, max_length=20,
                             help_text="需拨付的事项填写；不需拨付的留空")


class PayForm(StepForm):
    reference = forms.CharField(label="拨付凭证号", required=False, max_length=100)


class ReassignForm(StepForm):
    office = forms.ChoiceField(label="改派至")

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(o, o) for o in offices]


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
