"""What a parser hands to the store: a guide as published, in plain data.

The parser fills these; `store.save_guide` writes them. Nothing here touches the database.
"""
from dataclasses import dataclass, field


class GuideFormatError(ValueError):
    """The file is not a guide we can read. The message names the file and the line."""

    def __init__(self, source, line, message):
        self.source, self.line, self.message = source, line, message
        where = f"{source} 第{line}行" if line else source
        super().__init__(f"{where}：{message}")


@dataclass
class ParsedOffice:
    name: str
    address: str = ""
    hours: str = ""
    consult_phones: list = field(default_factory=list)
    complaint_phones: list = field(default_factory=list)
    online: str = ""  # 线上办理 / 网办渠道 line, where the block has one


@dataclass
class ParsedMaterial:
    name: str
    when: str = ""  # condition: 在职职工, 灵活就业人员, 委托办理, 港澳台人员 ...; empty = always
    sub_items: list = field(default_factory=list)  # ①② sub-documents
    seal_required: bool = False
    commitment_fallback: bool = False  # 个人承诺书 may stand in for it
    text: str = ""  # as published


@dataclass
class ParsedTimeLimit:
    working_days: int
    when: str = ""  # 在职职工 / 灵活就业人员 / 线下 / 线上 / 关系转出 / 关系转入 ...; empty = always
    text: str = ""


@dataclass
class ParsedChannel:
    code: str  # normalised vocabulary code
    name: str  # normalised label
    text: str  # as published
    online: bool = False
    conditional: bool = False  # 有条件的统筹地区可通过…
    applies_to: str = ""  # e.g. 灵活就业人员


@dataclass
class ParsedStage:
    name: str  # 申请, 受理, 审核, 拨付, 办结 or the guide's own label
    text: str = ""


@dataclass
class ParsedItem:
    ordinal: int
    code: str
    title: str = ""  # the heading line, as published (may be empty)
    name: str = ""  # the 事项名称 field
    service_objects: str = ""
    acceptance_unit: str = ""
    channels_text: str = ""
    materials_text: str = ""
    time_limit_text: str = ""
    stages_text: str = ""
    query_text: str = ""
    evaluation_text: str = ""
    supervision_text: str = ""
    notes: list = field(default_factory=list)
    channels: list = field(default_factory=list)  # ParsedChannel
    materials: list = field(default_factory=list)  # ParsedMaterial
    time_limits: list = field(default_factory=list)  # ParsedTimeLimit
    stages: list = field(default_factory=list)  # ParsedStage
    offices: list = field(default_factory=list)  # ParsedOffice
    fields: dict = field(default_factory=dict)  # every field as published: label -> text
    missing_fields: list = field(default_factory=list)  # export keys of the fields the guide leaves empty
    warnings: list = field(default_factory=list)


@dataclass
class ParsedGuide:
    source: str  # file name
    content_hash: str  # sha256 of the decoded, normalised text
    text: str  # the decoded text
    family: str  # layout family
    region_code: str = ""  # detected from the text; the command's --region wins
    region_name: str = ""
    title: str = ""
    edition: str = ""
    items: list = field(default_factory=list)  # ParsedItem
    noise: list = field(default_factory=list)  # [{"line": n, "text": ...}] dropped as OCR noise
    warnings: list = field(default_factory=list)  # [{"line": n, "message": ...}]
