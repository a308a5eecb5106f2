"""Forms of the public case pages. They parse and check what the applicant typed and uploaded
(files are sniffed here too, so that a bad file is named beside its material); the rules of the
case itself are the engine's."""
from django import forms

from yibao.cases import attachments
from yibao.cases.checklist import AGENT_WORDS
from yibao.cases.deadlines import KIND_WORDS, NOTICE_WORDS, OFFLINE_WORDS, ONLINE_WORDS
from yibao.cases.exceptions import CaseError
from yibao.cases.models import Level
from yibao.core.schemaforms import case_data, field_for_error, schema_fields
from yibao.people.identity import normalise
from yibao.people.models import Applicant

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
FILE_HELP = "可上传多个文件；只接受PDF、JPEG、PNG文件"


class Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MaterialFilesField(forms.FileField):
    """Zero or more files for one material, each checked by its content and size."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        cleaned, errors = [], []
        for upload in files:
            try:
                attachments.check(upload)  # first: its messages name the file
            except CaseError as exc:
                errors.append(exc.message)
                continue
            cleaned.append(super().clean(upload, initial))
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class MaterialUploadsMixin:
    """One file field per material (material_<key>), and a 承诺书 box where the guide allows one."""

    def add_material_fields(self, materials):
        self.material_rows = []
        for m in materials:
            key = str(m["key"])
            label = m["name"] + (f"（适用：{m['when']}）" if m.get("when") else "")
            self.fields[f"material_{key}"] = MaterialFilesField(label=label, help_text=FILE_HELP)
            if m.get("commitment_fallback"):
                self.fields[f"commit_{key}"] = forms.BooleanField(
                    label="无法提供，以个人承诺书代替", required=False
                )
            self.material_rows.append({"key": key, "material": m, "field": f"material_{key}",
                                       "commit": f"commit_{key}" if m.get("commitment_fallback") else ""})

    def uploads(self):
        """{material key: [files]} for the materials with files."""
        return {r["key"]: self.cleaned_data[r["field"]] for r in self.material_rows if self.cleaned_data[r["field"]]}

    def commitments(self):
        return [r["key"] for r in self.material_rows if r["commit"] and self.cleaned_data.get(r["commit"])]

    def material_rows_bound(self):
        return [{**r, "bound": self[r["field"]], "commit_bound": self[r["commit"]] if r["commit"] else None}
                for r in self.material_rows]

    def add_case_error(self, exc):
        """Put an engine error beside the field it concerns, else at the top of the form."""
        details = exc.details or {}
        key = details.get("key")
        if key and f"material_{key}" in self.fields:
            self.add_error(f"material_{key}", exc.message)
            return
        for err in details.get("errors", []):
            name = field_for_error(err.get("field"), self.fields)
            if name:
                self.add_error(name, err.get("message") or exc.message)
        self.add_error(None, exc.message)


# ------------------------------------------------------------- conditions offered by the item


def _kind_of_when(when):
    if not when or any(w in when for w in AGENT_WORDS + NOTICE_WORDS + ONLINE_WORDS + OFFLINE_WORDS):
        return ""
    return "kind" if when in KIND_WORDS else "other"


def condition_options(materials, limits):
    """What the applicant must say about themselves, from the conditions the guide attaches to the
    item's materials and limits: (kinds such as 在职职工/灵活就业人员, phases that split the limit
    such as 关系转出/转入, other situations that add materials)."""
    kinds, phases, situations = [], [], []
    for limit in limits:
        when = (limit.get("when") or "").strip()
        sort = _kind_of_when(when)
        target = kinds if sort == "kind" else phases if sort == "other" else None
        if target is not None and when not in target:
            target.append(when)
    for m in materials:
        when = (m.get("when") or "").strip()
        sort = _kind_of_when(when)
        if sort == "kind" and when not in kinds:
            kinds.append(when)
        elif sort == "other" and when not in phases and when not in situations:
            situations.append(when)
    return kinds, phases, situations


class ApplyForm(MaterialUploadsMixin, Form):
    """网上申请 for one item: office, conditions, agent, the handler's data, a file field per material."""

    def __init__(self, *args, materials, limits, offices, schema, applicant, **kwargs):
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        self.schema = schema
        if offices:
            self.fields["office"] = forms.ChoiceField(label="办理机构", choices=[(o, o) for o in offices])
        kinds, phases, situations = condition_options(materials, limits)
        if kinds:  # not required here: the engine says when the limit cannot be chosen without it
            self.fields["applicant_kind"] = forms.ChoiceField(
                label="申请人类别", choices=[(k, k) for k in kinds], widget=forms.RadioSelect, required=False,
                help_text="所需材料和办理时限因类别不同",
            )
        if phases:
            self.fields["sub_type"] = forms.ChoiceField(
                label="办理情形", choices=[(p, p) for p in phases], widget=forms.RadioSelect, required=False,
            )
        if situations:
            self.fields["situations"] = forms.MultipleChoiceField(
                label="适用情形（符合的请勾选，将增加相应材料）", choices=[(s, s) for s in situations],
                widget=forms.CheckboxSelectMultiple, required=False,
            )
        self.fields["as_agent"] = forms.BooleanField(label="代他人申请（委托代办）", required=False)
        self.fields["principal_id_number"] = forms.CharField(
            label="被代理人证件号码", required=False, max_length=32,
            help_text="被代理人须已在本网站注册；其委托书请作为材料上传",
        )
        self.fields["principal_name"] = forms.CharField(label="被代理人姓名或名称", required=False, max_length=200)
        self.data_groups = {}  # group label ("" for top-level fields) -> [field names]
        for name, field, group in (schema_fields(schema) if schema is not None else []):
            self.fields[name] = field
            self.data_groups.setdefault(group, []).append(name)
        self.add_material_fields(materials)
        self.fields["comment"] = forms.CharField(
            label="补充说明", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
        )

    def clean(self):
        cleaned = super().clean()
        self.principal = None
        if cleaned.get("as_agent"):
            number = normalise(cleaned.get("principal_id_number"))
            name = (cleaned.get("principal_name") or "").strip()
            if not number or not name:
                raise forms.ValidationError("代他人申请时，请填写被代理人的证件号码和姓名")
            # Number and name together: a number alone would tell who is registered.
            principal = Applicant.objects.select_related("user").filter(id_number__iexact=number, name=name).first()
            if principal is None:
                raise forms.ValidationError("未找到与该证件号码和姓名相符的注册账户；被代理人须先在本网站注册")
            if principal.pk == self.applicant.pk:
                raise forms.ValidationError("代他人申请时，被代理人不能是您本人")
            self.principal = principal
        return cleaned

    def conditions(self):
        c = self.cleaned_data
        return {
            "applicant_kind": c.get("applicant_kind", ""),
            "sub_type": c.get("sub_type", ""),
            "special_groups": list(c.get("situations") or []),
        }

    def data_sections(self):
        return [(group, [self[n] for n in names]) for group, names in self.data_groups.items()]

    def case_data(self):
        """The handler's data as typed: empty fields left out, nested groups as objects."""
        return case_data(self.cleaned_data, [n for names in self.data_groups.values() for n in names])


class SupplyForm(MaterialUploadsMixin, Form):
    """补正 / 补交: files for the materials a notice names or that are owed."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_material_fields(materials)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.uploads() and not self.commitments():
            raise forms.ValidationError("请上传需补正（补交）的材料")
        return cleaned


class WithdrawForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="撤回原因（选填）", required=False, max_length=500)


class RateForm(Form):
    level = forms.ChoiceField(label="评价", choices=Level.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label="意见和建议（选填）", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TrackForm(Form):
    receipt_no = forms.CharField(label="受理编号", max_length=48)
    id_number = forms.CharField(label="申请人或代理人证件号码", max_length=32)


class AuthorisationForm(forms.Form):
    agent_id_number = forms.CharField(label="代理人证件号码", max_length=32, help_text="代理人须已注册账户")
