"""Excel lists offices exchange with employers (read by core.xlsx; written with openpyxl).

import_sheet(): an employer's sheet of 增加/减少 rows is one 职工参保登记 case (one receipt, its
rows its data), accepted, reviewed and completed like any other within the guide's limit. Every
row is checked when the case is filed (the ID's check digit, the particulars against the number,
duplicates within the sheet, persons already enrolled or not enrolled at this employer) and every
error is listed by row and column, up to MAX_ERRORS; a sheet with any error files no case. The
rows are checked again at each step and applied when the case completes (apply_case_sheet, from
the handler's on_complete): all rows in the completion's transaction or none, each row recorded
as an EnrollmentChange pointing at the case, its SheetImport and its row number.

export_roster() writes an employer's employees in the same columns, so a roster can be edited
and handed back; export_enrollments() writes query results, masked unless asked otherwise.
"""
import datetime
import hashlib
import io
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from yibao.cases.interface import (
    ItemNotAvailable,
    item_in_force,
    listed_materials,
    open_case_as_system,
    open_case_with,
    submit_case,
)
from yibao.core.audit import acting_user, record
from yibao.core.bulk import db_datetime, insert_rows
from yibao.core.masking import mask_id_number, mask_phone
from yibao.core.xlsx import MAX_ROWS, WorkbookRefused, first_sheet_rows
from yibao.enrollment.actions import person_particulars
from yibao.enrollment.exceptions import AlreadyEnrolled, EmployerNotActive, RegisterError
from yibao.enrollment.guide_rules import accepted_id_types
from yibao.enrollment.machines import EMPLOYERS, PERSONS
from yibao.enrollment.models import (
    OPEN_STATUSES,
    ChangeKind,
    Employer,
    Enrollment,
    EnrollmentChange,
    EnrollmentStatus,
    Person,
    PersonPhone,
    PersonStatus,
    Scheme,
    Sex,
    SheetImport,
)
from yibao.people.actions import RegistrationRefused, register_applicant
from yibao.people.identity import InvalidIdentity, InvalidPhone, validate_phone
from yibao.people.models import Applicant, ApplicantKind, IdType

COLUMNS = ["证件类型", "证件号码", "姓名", "性别", "出生日期", "联系电话", "业务类型", "变动日期"]
REQUIRED = ("证件号码", "姓名", "业务类型")
ADD, REDUCE = "增加", "减少"
KIND_WORDS = {"增加": ADD, "新增": ADD, "减少": REDUCE}
SEX_WORDS = {"男": Sex.MALE, "女": Sex.FEMALE, "M": Sex.MALE, "F": Sex.FEMALE}
CHUNK = 2000  # IN-lists and bulk inserts stay well under SQLite's variable limit
MAX_ERRORS = 100  # a sheet with more errors is reported up to here, with the count of rows left unchecked
SHEET_ITEM = "employee-enrollment"  # 职工参保登记: a sheet is one case of it
EMPLOYED = "在职职工"


@dataclass
class RowError:
    row: int  # the Excel row number (the header is row 1); 0 for the sheet as a whole
    column: str
    message: str

    def __str__(self):
        return f"第{self.row}行“{self.column}”：{self.message}" if self.row else self.message


class SheetInvalid(RegisterError):
    """The sheet's errors (at most MAX_ERRORS); `unchecked` counts the data rows not checked after them."""

    code = "sheet_invalid"

    def __init__(self, errors, unchecked=0):
        self.errors = errors[:MAX_ERRORS]
        self.unchecked = unchecked
        head = "；".join(str(e) for e in errors[:5])
        more = f"等{len(errors)}处错误" if len(errors) > 5 else ""
        rest = f"；错误过多，另有{unchecked}行未检查" if unchecked else ""
        super().__init__(f"表格有误，未导入任何一行：{head}{more}{rest}",
                         errors=[asdict(e) for e in self.errors], unchecked=unchecked)


def sheet_rows(source, required, columns):
    """(header map, row number, values) for each data row of the first worksheet of an uploaded
    .xlsx, read by core.xlsx (sizes, entities, dimensions and cell positions checked first;
    python-calamine, or openpyxl where calamine may not read it). Used by every sheet reader."""
    try:
        rows = iter(first_sheet_rows(source))
        header = [cell_text(h) for h in next(rows, ())]
    except WorkbookRefused as exc:
        raise SheetInvalid([RowError(0, "", str(exc))]) from None
    found = {name: i for i, name in enumerate(header) if name in columns}
    missing = [c for c in required if c not in found]
    if missing:
        raise SheetInvalid([RowError(1, c, "表头缺少该列") for c in missing])
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            raise SheetInvalid([RowError(number, "", f"表格最多{MAX_ROWS - 1}行数据，请拆分后分批上传")])
        yield found, number, values


class Known(NamedTuple):
    """A registered person, as a sheet's check needs them."""

    pk: int
    name: str
    status: str


class Open(NamedTuple):
    """A person's open employee enrolment, as a sheet's check needs it."""

    pk: int
    employer_id: int | None
    start_on: datetime.date


@dataclass
class Row:
    number: int
    kind: str
    particulars: dict
    phone: str
    on: datetime.date


def cell_text(value):
    """A spreadsheet cell as text: a whole number typed into a numeric cell (an ID, a base) loses its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value).replace("/", "-").replace(".", "-")
    return datetime.date.fromisoformat(text) if text else None


def _id_type(value):
    text = cell_text(value)
    if not text:
        return IdType.RESIDENT_ID
    id_type = _ID_TYPE_WORDS.get(text)
    if id_type is None:
        raise ValueError("证件类型不正确")
    return id_type


_ID_TYPE_WORDS = {**{label: v for v, label in IdType.choices}, **{v: v for v in IdType.values}}


def read_rows(source):
    """[(row number, {column: value})] of the first worksheet."""
    out = []
    for found, number, values in sheet_rows(source, REQUIRED, COLUMNS):
        if not any(v not in (None, "") for v in values):
            continue  # blank lines between blocks are common in hand-made sheets
        out.append((number, {c: values[i] if i < len(values) else None for c, i in found.items()}))
    return out


def _parse(number, cells, accepted, today, errors):
    """One row's values, or None with its errors appended."""
    before = len(errors)

    def err(column, message):
        errors.append(RowError(number, column, message))

    kind = KIND_WORDS.get(cell_text(cells.get("业务类型")))
    if kind is None:
        err("业务类型", "应为“增加”或“减少”")
    try:
        id_type = _id_type(cells.get("证件类型"))
        if id_type not in accepted:
            err("证件类型", f"本地区不接受{IdType(id_type).label}")
    except ValueError as exc:
        err("证件类型", str(exc))
        id_type = None
    sex_text = cell_text(cells.get("性别"))
    sex = SEX_WORDS.get(sex_text) if sex_text else None
    if sex_text and sex is None:
        err("性别", "应为“男”或“女”")
    try:
        birth = _date(cells.get("出生日期"))
    except ValueError:
        err("出生日期", "日期格式应为2024-01-31")
        birth = None
    try:
        on = _date(cells.get("变动日期")) or today
    except ValueError:
        err("变动日期", "日期格式应为2024-01-31")
        on = today
    phone = cell_text(cells.get("联系电话"))
    if phone:
        try:
            phone = validate_phone(phone)
        except InvalidPhone as exc:
            err("联系电话", str(exc))
    particulars = None
    if id_type:
        try:
            particulars = person_particulars(id_type, cell_text(cells.get("证件号码")), name=cell_text(cells.get("姓名")),
                                             sex=sex, birth_date=birth)
        except InvalidIdentity as exc:
            err("证件号码", str(exc))
        except RegisterError as exc:
            column = "出生日期" if "出生日期" in exc.message else "性别" if "性别" in exc.message else "姓名"
            err(column, exc.message)
    if len(errors) > before:
        return None
    return Row(number, kind, particulars, phone, on)


def _chunks(items):
    items = list(items)
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def check_sheet(employer, rows):
    """The parsed rows and the registered persons they name; SheetInvalid listing every error."""
    errors = []
    try:
        accepted = accepted_id_types(item_in_force(employer.region, "employee-enrollment"))
    except ItemNotAvailable:
        accepted = list(IdType.values)
    today = timezone.localdate()
    parsed, seen = [], {}
    for checked, (number, cells) in enumerate(rows):
        if len(errors) >= MAX_ERRORS:
            raise SheetInvalid(errors, unchecked=len(rows) - checked)
        row = _parse(number, cells, accepted, today, errors)
        if row is None:
            continue
        first = seen.setdefault(row.particulars["id_number"], number)
        if first != number:
            errors.append(RowError(number, "证件号码", f"与第{first}行重复"))
            continue
        parsed.append(row)
    if not rows:
        errors.append(RowError(0, "", "表格中没有数据行"))
    # Plain tuples, not model instances: building 100,000 of them was most of a check.
    persons, open_ = {}, {}  # ID number -> Known / Open
    for chunk in _chunks(r.particulars["id_number"] for r in parsed):
        found = {number: Known(pk, name, status) for number, pk, name, status
                 in Person.objects.filter(id_number__in=chunk).values_list("id_number", "pk", "name", "status")}
        persons.update(found)
        # By the persons' ids (the person index), not through a join on the ID number, which
        # SQLite planned as a scan of every open enrolment per chunk.
        numbers = {known.pk: number for number, known in found.items()}
        for person_id, pk, employer_id, start_on in (
                Enrollment.objects.filter(person_id__in=list(numbers), scheme=Scheme.EMPLOYEE, status__in=OPEN_STATUSES)
                .values_list("person_id", "pk", "employer_id", "start_on")):
            open_[numbers[person_id]] = Open(pk, employer_id, start_on)
    names = {}  # employer id -> name, for the messages only
    for row in parsed:
        number = row.particulars["id_number"]
        person, current = persons.get(number), open_.get(number)
        if person is not None and person.name != row.particulars["name"]:
            errors.append(RowError(row.number, "姓名", "与该证件号码登记的姓名不一致"))
        elif person is not None and not PERSONS.allows(person.status, "enrol"):
            errors.append(RowError(row.number, "证件号码", f"该人员登记为“{PersonStatus(person.status).label}”"))
        elif row.kind == ADD and current is not None:
            if current.employer_id and current.employer_id not in names:
                names[current.employer_id] = Employer.objects.values_list("name", flat=True).get(pk=current.employer_id)
            where = names[current.employer_id] if current.employer_id else "灵活就业人员"
            errors.append(RowError(row.number, "证件号码", f"已参加职工医保（{where}），不能重复参保"))
        elif row.kind == REDUCE and (current is None or current.employer_id != employer.pk):
            errors.append(RowError(row.number, "证件号码", f"不是{employer.name}的在册职工"))
        elif row.kind == REDUCE and row.on < current.start_on:
            errors.append(RowError(row.number, "变动日期", f"早于参保日期{current.start_on}"))
    if errors:
        raise SheetInvalid(sorted(errors, key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 0)))
    return parsed, persons, open_


def import_sheet(source, *, employer_uscc, actor, channel, file_name="", office=""):
    """File the employer's sheet as one 职工参保登记 case (its rows its data; the rows are checked
    as the case is filed: SheetInvalid lists the errors and no case is made). Nothing is enrolled
    until the case completes. `actor` None files it as the system (the command line), accepted on
    receipt. Returns the case."""
    if isinstance(source, (str, Path)):
        file_name = file_name or Path(source).name
        data = Path(source).read_bytes()
    else:
        data = source.read()
    employer = Employer.objects.filter(uscc=(employer_uscc or "").strip().upper()).first()
    if employer is None:
        raise SheetInvalid([RowError(0, "", f"统一社会信用代码{employer_uscc}尚未办理单位参保登记")])
    rows = read_rows(io.BytesIO(data))
    item = item_in_force(employer.region, SHEET_ITEM)
    adds = sum(1 for _, cells in rows if KIND_WORDS.get(cell_text(cells.get("业务类型"))) == ADD)
    conditions = {"applicant_kind": EMPLOYED, "sub_type": "增加" if adds else "减少"}
    case_data = {"sheet": {"file_name": file_name[:255], "sha256": hashlib.sha256(data).hexdigest(),
                           "rows": [[number, {c: _stored(v) for c, v in cells.items()}] for number, cells in rows]}}
    comment = f"职工增减表{file_name}：{len(rows)}行"
    # The sheet is the 登记表 and its rows the employees' particulars: the catalogue's materials
    # for the case come with it; the clerk checks them at 受理 (and asks for 补正 as for any case).
    materials = listed_materials(item, conditions)
    with transaction.atomic():
        applicant = _employer_account(employer, actor, channel)
        earlier = open_case_with(SHEET_ITEM, applicant, "sheet__sha256", case_data["sheet"]["sha256"])
        if earlier is not None:  # the same file sent twice (a double click, a retry) is one case
            raise SheetInvalid([RowError(0, "", f"同一份增减表已提交（办件编号{earlier.receipt_no}，"
                                                f"{earlier.get_state_display()}），请勿重复提交")])
        if actor is None:
            return open_case_as_system(item, applicant, data=case_data, conditions=conditions, comment=comment,
                                       accept_comment="增减表由系统导入，收到即受理", materials=materials)
        return submit_case(item=item, applicant=applicant, actor=actor, channel=channel, office=office,
                           conditions=conditions, data=case_data, materials=materials, comment=comment)


def _stored(value):
    """A cell as the case keeps it (JSON): dates as 2024-01-31, the rest as text."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return cell_text(value)


def _employer_account(employer, actor, channel):
    """The unit's account, the case's applicant; a unit without one (its sheet handed in at a window
    or through the command line) gets one now, as window intake registers a walk-in."""
    account = Applicant.objects.filter(id_number=employer.uscc).first()
    if account is not None:
        if account.kind != ApplicantKind.EMPLOYER:
            raise SheetInvalid([RowError(0, "", f"统一社会信用代码{employer.uscc}登记的账户不是单位账户")])
        return account
    try:
        return register_applicant(ApplicantKind.EMPLOYER, IdType.USCC, employer.uscc, employer.name,
                                  employer.phone, None, employer.region, actor=acting_user(actor),
                                  channel=channel)
    except (RegistrationRefused, InvalidPhone, InvalidIdentity) as exc:
        raise SheetInvalid([RowError(0, "", f"{employer.name}尚未注册单位账户，且不能代为注册："
                                            f"{getattr(exc, 'message', str(exc))}")]) from None


def case_rows(case):
    """The sheet's rows as the case keeps them: [(row number, {column: value})]."""
    return [(int(number), dict(cells)) for number, cells in case.data["sheet"]["rows"]]


def check_case_sheet(case, employer):
    """Every row of the case's sheet checked against the registers as they stand now."""
    return check_sheet(employer, case_rows(case))


def apply_case_sheet(case, employer, actor):
    """办结 of a sheet case: every row applied, or none (AlreadyEnrolled when the registers moved so
    that a row no longer holds). Runs inside the completion's transaction. Returns the SheetImport."""
    parsed, persons, open_ = check_case_sheet(case, employer)
    sheet = case.data["sheet"]
    try:
        with transaction.atomic():
            return _apply(employer, parsed, persons, open_, sheet["sha256"], sheet["file_name"], actor, case.channel,
                          case)
    except IntegrityError:  # someone enrolled one of these persons meanwhile
        raise AlreadyEnrolled("办结期间表中人员的参保状态发生变化，请核对后重新上传增减表") from None


def _apply(employer, parsed, persons, open_, sha256, file_name, actor, channel, case):
    """Every row written in the caller's transaction: new persons (with their phone's history),
    enrolments, ended enrolments, one EnrollmentChange per row (who, when, channel, case, sheet
    row) and one audit entry for the sheet. The rows go in through core.bulk's executemany, not
    bulk_create, whose SQL building is most of the time at 100,000 rows; what is written is what
    the ORM wrote (tests/enrollment/test_sheets compare both)."""
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if not EMPLOYERS.allows(employer.status, "add_employees") and any(r.kind == ADD for r in parsed):
        raise EmployerNotActive(f"{employer.name}当前为“{employer.get_status_display()}”，不能增加职工")
    user = acting_user(actor)
    adds = [r for r in parsed if r.kind == ADD]
    reduces = [r for r in parsed if r.kind == REDUCE]
    sheet = SheetImport.objects.create(employer=employer, file_name=file_name[:255], sha256=sha256, rows=len(parsed),
                                       enrolled=len(adds), reduced=len(reduces), actor=user, channel=channel)
    now = timezone.now()
    stamp = db_datetime(Person, now)
    case_id, user_id = (case.pk if case else None), (user.pk if user else None)

    new = [r for r in adds if r.particulars["id_number"] not in persons]
    after = _last_id(Person)
    insert_rows(Person, ("region_id", "id_type", "id_number", "name", "sex", "birth_date", "phone", "status",
                         "created_at", "updated_at"),
                ((employer.region_id, p["id_type"], p["id_number"], p["name"], p["sex"], p["birth_date"], r.phone,
                  PersonStatus.LIVING, stamp, stamp) for r in new for p in (r.particulars,)))
    person_ids = {number: person.pk for number, person in persons.items()}
    if new:
        person_ids.update(Person.objects.filter(pk__gt=after).values_list("id_number", "pk"))
    insert_rows(PersonPhone, ("person_id", "phone", "since", "case_id", "channel"),
                ((person_ids[r.particulars["id_number"]], r.phone, stamp, None, channel) for r in new if r.phone))

    after = _last_id(Enrollment)
    insert_rows(Enrollment, ("person_id", "scheme", "employer_id", "region_id", "status", "start_on", "created_at",
                             "updated_at"),
                ((person_ids[r.particulars["id_number"]], Scheme.EMPLOYEE, employer.pk, employer.region_id,
                  EnrollmentStatus.ACTIVE, r.on, stamp, stamp) for r in adds))
    # person id -> the enrolment just opened (the open-enrolment index allows one per person)
    enrolled = dict(Enrollment.objects.filter(pk__gt=after, employer=employer).values_list("person_id", "pk")) \
        if adds else {}
    changes = [(enrolled[person_ids[r.particulars["id_number"]]], ChangeKind.ENROL, "", EnrollmentStatus.ACTIVE, r.on,
                "批量增加", case_id, sheet.pk, r.number, user_id, channel, stamp) for r in adds]

    ended = {}
    for chunk in _chunks(reduces):
        pks = [open_[r.particulars["id_number"]].pk for r in chunk]
        locked = dict(Enrollment.objects.select_for_update().filter(pk__in=pks, employer=employer,
                                                                    status__in=OPEN_STATUSES).values_list("pk", "status"))
        for r in chunk:
            pk = open_[r.particulars["id_number"]].pk
            if pk not in locked:  # changed since the check
                raise AlreadyEnrolled("导入期间表中人员的参保状态发生变化，请重新导入")
            changes.append((pk, ChangeKind.REDUCE, locked[pk], EnrollmentStatus.ENDED, r.on, "批量减少", case_id,
                            sheet.pk, r.number, user_id, channel, stamp))
            ended.setdefault(r.on, []).append(pk)
    # One UPDATE per end date and chunk: bulk_update's CASE per row is slow at this size.
    for on, pks in ended.items():
        for chunk in _chunks(pks):
            Enrollment.objects.filter(pk__in=chunk).update(status=EnrollmentStatus.ENDED, end_on=on, updated_at=now)
    insert_rows(EnrollmentChange, ("enrollment_id", "kind", "from_status", "to_status", "on", "reason", "case_id",
                                   "sheet_id", "sheet_row", "actor_id", "channel", "created_at"), changes)
    record(actor=user, channel=channel, action="批量增减导入", obj=sheet,
           summary=f"{case.receipt_no + ' ' if case else ''}{employer.name} {file_name}：增加{len(adds)}人，减少{len(reduces)}人",
           changes={"rows": len(parsed), "enrolled": len(adds), "reduced": len(reduces), "sha256": sheet.sha256})
    return sheet


def _last_id(model):
    """The highest id now visible: rows this transaction inserts next get higher ids (sequences
    and SQLite's rowid only grow), so `pk > it` reads them back by the primary key. Rows another
    transaction commits meanwhile may come along; the callers key by what is unique to their own
    rows (the ID number; the person of an open enrolment)."""
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# ---------------------------------------------------------------- exports


def _write(path, title, header, rows):
    from openpyxl import Workbook  # loaded when a sheet is written: `yibao` starts without it

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def export_roster(employer, path, *, include_ended=False):
    """The employer's employees in the import columns (业务类型 left blank), full particulars:
    the unit's own list, to edit and hand back."""
    enrollments = Enrollment.objects.filter(employer=employer).select_related("person").order_by("person__id_number")
    if not include_ended:
        enrollments = enrollments.filter(status__in=OPEN_STATUSES)
    header = [*COLUMNS[:6], "参保状态", "参保日期", "终止日期"]
    return _write(path, "职工花名册", header, (
        [IdType(e.person.id_type).label, e.person.id_number, e.person.name, e.person.get_sex_display(),
         e.person.birth_date, e.person.phone, e.get_status_display(), e.start_on, e.end_on]
        for e in enrollments.iterator(chunk_size=CHUNK)
    ))


def export_enrollments(enrollments, path, *, masked=True):
    """Query results: one line per enrolment; ID numbers and phones masked unless masked=False."""
    id_, phone = (mask_id_number, mask_phone) if masked else (str, str)
    header = ["证件号码", "姓名", "险种", "人员类别", "参保单位", "统一社会信用代码", "参保地", "参保状态", "参保日期",
              "终止日期", "联系电话"]
    rows = enrollments.select_related("person", "employer", "region").order_by("pk")
    return _write(path, "参保信息", header, (
        [id_(e.person.id_number), e.person.name, e.get_scheme_display(), e.category,
         e.employer.name if e.employer_id else "", e.employer.uscc if e.employer_id else "", e.region.name,
         e.get_status_display(), e.start_on, e.end_on, phone(e.person.phone) if e.person.phone else ""]
        for e in rows.iterator(chunk_size=CHUNK)
    ))
