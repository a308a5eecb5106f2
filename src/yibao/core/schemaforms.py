"""A handler's case-data schema (a pydantic model) as Django form fields, and back.

Both web layers (the public portal and the staff workbench) build their case-data forms here, so
an item asks the same questions whichever door the applicant comes through. Imports only Django
and pydantic: the web layers may not import each other, and core knows no other app.

Field names: data_<field>, data_<group>__<field> for a nested model, data_<list>__<n>__<field>
for the n-th entry of a list of models (offered as a few repeated groups). The handler's own
validation (Handler.validate_data) has the last word on every value.
"""
import datetime
import decimal
import enum
import types
import typing

from django import forms

from yibao.core.masking import mask_bank_account, mask_id_number, mask_phone
from yibao.core.numbers import is_digits

PREFIX = "data_"
SEP = "__"  # data_person__id_number: field id_number of the nested model `person`
REPEAT = 3  # entries offered for a list of models (更多的用Excel或分次办理)

# Labels for the field names the domain handlers use, where a field declares no title of its own.
FIELD_LABELS = {
    "person": "参保人员", "employer": "单位信息", "successors": "新单位", "merge_from": "并入单位的统一社会信用代码",
    "id_type": "证件类型", "id_number": "证件号码", "name": "姓名（名称）", "sex": "性别", "birth_date": "出生日期",
    "phone": "联系电话", "effective_on": "生效日期", "reason": "原因", "uscc": "统一社会信用代码", "kind": "类型",
    "legal_representative": "法定代表人", "bank_name": "开户银行", "bank_account": "银行账号",
    "collection_agency": "征收机构", "address": "地址", "employees": "职工证件号码", "changes": "变更内容",
    "evidence": "证明材料说明", "amount": "金额（元）", "row": "表格行号（选填）",
}
VALUE_LABELS = {"M": "男", "F": "女", "employee": "职工医保", "resident": "城乡居民医保"}


def _unwrap_optional(annotation):
    """(the type inside Optional[...], whether None was allowed)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _is_model(kind):
    return isinstance(kind, type) and hasattr(kind, "model_fields")


def _model_of_list(kind):
    """The model of list[Model], else None."""
    if typing.get_origin(kind) is list and typing.get_args(kind) and _is_model(typing.get_args(kind)[0]):
        return typing.get_args(kind)[0]
    return None


def label_of(name, info):
    return info.title or FIELD_LABELS.get(name) or info.description or name


class ListField(forms.CharField):
    """list[str]: one entry a line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        return [line.strip() for line in (super().clean(value) or "").splitlines() if line.strip()]


class PairsField(forms.CharField):
    """dict[str, str]: one 项目=新值 a line (＝, ： or : also separate). With `keys` ({key: 中文名})
    a line may name the item in Chinese, and only those items are accepted."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *, keys=None, **kwargs):
        self.keys = dict(keys or {})
        super().__init__(**kwargs)

    def clean(self, value):
        by_label = {label: key for key, label in self.keys.items()}
        pairs = {}
        for number, line in enumerate((super().clean(value) or "").splitlines(), start=1):
            line = line.strip().replace("＝", "=")
            if "=" not in line:
                line = line.replace("：", "=", 1).replace(":", "=", 1)
            if not line:
                continue
            key, sep, val = (part.strip() for part in line.partition("="))
            key = by_label.get(key, key)
            if not sep or not key:
                raise forms.ValidationError(f"第{number}行应写作“项目=新值”")
            if self.keys and key not in self.keys:
                raise forms.ValidationError(f"第{number}行：可变更的项目为{'、'.join(self.keys.values())}")
            pairs[key] = val
        return pairs


def schema_field(name, info, *, required, keys=None):
    """A form field for one pydantic field; `keys` names what a dict field may hold."""
    kind, _ = _unwrap_optional(info.annotation)
    label = label_of(name, info)
    common = {"label": label, "required": required,
              "help_text": info.description if info.description and info.description != label else ""}
    origin = typing.get_origin(kind)
    if origin is typing.Literal:
        return forms.ChoiceField(choices=[("", "请选择")] + [(v, VALUE_LABELS.get(v, v)) for v in typing.get_args(kind)],
                                 **common)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return forms.ChoiceField(choices=[(e.value, getattr(e, "label", e.value)) for e in kind], **common)
    if kind is bool:
        return forms.BooleanField(**{**common, "required": False})
    if kind is int:
        return forms.IntegerField(**common)
    if kind is decimal.Decimal:
        return forms.DecimalField(**common)
    if kind is datetime.date:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if origin is list and typing.get_args(kind) and typing.get_args(kind)[0] is str:
        return ListField(**{**common, "help_text": _join("每行一项", common["help_text"])})
    if origin is dict:
        hint = "每行一项，写作“项目=新值”" + (f"，项目：{'、'.join(keys.values())}" if keys else "")
        return PairsField(keys=keys, **{**common, "help_text": _join(hint, common["help_text"])})
    if origin is list or _is_model(kind):  # deeper than the form nests: one line of text each
        return ListField(**{**common, "help_text": _join("每行一项", common["help_text"])})
    return forms.CharField(max_length=500, **common)


def _join(*parts):
    return "；".join(p for p in parts if p)


def schema_fields(schema, prefix=PREFIX, required=True, depth=0, repeat=REPEAT, keys=None):
    """[(form field name, field, group label)] for a pydantic model. A nested model becomes its own
    group of fields; a list of models becomes `repeat` numbered groups, each optional. `keys`
    ({key: 中文名}) is what the schema's dict fields may hold, when the caller knows."""
    out = []
    for name, info in schema.model_fields.items():
        kind, optional = _unwrap_optional(info.annotation)
        if depth == 0 and _is_model(kind):
            group = label_of(name, info)
            inner_required = required and info.is_required() and not optional
            for sub_name, field, _ in schema_fields(kind, f"{prefix}{name}{SEP}", inner_required, depth + 1):
                out.append((sub_name, field, group))
            continue
        if depth == 0 and _model_of_list(kind):
            for n in range(repeat):
                group = f"{label_of(name, info)}（{n + 1}）"
                for sub_name, field, _ in schema_fields(_model_of_list(kind), f"{prefix}{name}{SEP}{n}{SEP}", False,
                                                        depth + 1):
                    out.append((sub_name, field, group))
            continue
        field = schema_field(name, info, required=required and info.is_required(), keys=keys)
        out.append((f"{prefix}{name}", field, ""))
    return out


def _plain(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _lists(value):
    """Groups keyed 0, 1, 2 ... become lists (in order; empty entries were never added)."""
    if isinstance(value, dict):
        value = {k: _lists(v) for k, v in value.items()}
        if value and all(is_digits(k) for k in value):
            return [value[k] for k in sorted(value, key=int)]
    return value


def case_data(cleaned, names):
    """The handler's data from a form's cleaned values: empty fields left out, groups as objects,
    repeated groups as lists."""
    data = {}
    for name in names:
        value = cleaned.get(name)
        if value in (None, "", [], {}) or value is False:
            continue
        path = name.removeprefix(PREFIX).split(SEP)
        target = data
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = _plain(value)
    return _lists(data)


def field_for_error(location, fields):
    """The form field an error at `location` (the handler's "rows.0.base") belongs to, or None."""
    parts = [p for p in str(location or "").split(".") if p]
    for n in range(len(parts), 0, -1):
        name = PREFIX + SEP.join(parts[:n])
        if name in fields:
            return name
    return None


# ------------------------------------------------------------- the stored data, readable


def _mask_for(name):
    """A screen needs no full ID, account or phone number to follow a case: they are masked."""
    if "account" in name or name == "account_no":
        return mask_bank_account
    if name in ("id_number", "employees", "merge_from"):
        return mask_id_number
    if "phone" in name:
        return mask_phone
    return None


def _text(value, name=""):
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_text(v, name) for v in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{FIELD_LABELS.get(k, k)}：{_text(v, k)}" for k, v in value.items()) or "—"
    if value in (None, ""):
        return "—"
    mask = _mask_for(name)
    if mask is not None:
        return mask(str(value))
    return VALUE_LABELS.get(value, str(value)) if isinstance(value, str) else str(value)


def describe(schema, data):
    """[(group label, [(field label, text)])] of stored case data, in the schema's order and words;
    keys the schema does not know are shown under their own names."""
    data = dict(data or {})
    if schema is None:
        return [("", [(k, _text(v, k)) for k, v in data.items()])] if data else []
    top, groups = [], []
    for name, info in schema.model_fields.items():
        if name not in data:
            continue
        value = data.pop(name)
        kind, _ = _unwrap_optional(info.annotation)
        if _is_model(kind) and isinstance(value, dict):
            groups.append((label_of(name, info), _rows(kind, value)))
        elif _model_of_list(kind) and isinstance(value, list):
            for n, entry in enumerate(value, start=1):
                groups.append((f"{label_of(name, info)}（{n}）", _rows(_model_of_list(kind), entry)))
        elif value not in (None, "", [], {}):
            top.append((label_of(name, info), _text(value, name)))
    top += [(k, _text(v, k)) for k, v in data.items() if v not in (None, "", [], {})]
    return ([("", top)] if top else []) + groups


def _rows(model, value):
    rows = []
    for name, info in model.model_fields.items():
        if value.get(name) not in (None, "", [], {}):
            rows.append((label_of(name, info), _text(value[name], name)))
    return rows
