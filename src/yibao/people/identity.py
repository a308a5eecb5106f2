"""Validation of identity numbers and phone numbers. Each validator returns the normalised value
(spaces and hyphens removed, letters upper-case) or raises with a Chinese message.

What is accepted, by document:
- 居民身份证, 户口簿, 居住证: the 18-character 公民身份号码 (GB 11643-1999; a 户口簿 and a
  居住证 carry the holder's own number): 17 digits and an ISO 7064 MOD 11-2 check character
  (0-9 or X), a real birth date between 1900-01-01 and today, a known province code. The
  county code is not checked: codes change and the tables lag behind new numbers.
- 港澳台居民居住证: the same structure, its address code being 810000, 820000 or 830000.
- 外国人永久居留证: the 18-character card (2017 on: '9' first, MOD 11-2 check character) or
  the older 15 characters (3-letter country code and 12 digits).
- 港澳居民来往内地通行证 (回乡证): H (Hong Kong) or M (Macao) and 8 digits, or 10 on older cards.
- 护照: 5 to 17 letters and digits with at least one digit (foreign passports vary; a Chinese
  ordinary passport is E or G and 8 digits, or E, a letter and 7 digits).
- 统一社会信用代码: GB 32100-2015, 18 characters with its check character (stdnum.cn.uscc).
- 定点医药机构编码: the national medical-insurance code of a designated provider: H (医疗机构)
  or P (零售药店), the 6-digit 行政区划代码 (a known province) and a 5-digit sequence number.
"""
import datetime
import functools
import re

from django.utils import timezone
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

from yibao.core.numbers import is_digits
from yibao.people.models import IdType


class InvalidIdentity(ValueError):
    """An identity number that fails its document's format or check digit."""

    field = "id_number"


class InvalidPhone(ValueError):
    field = "phone"


_SEPARATORS = re.compile(r"[\s\-]+")
# 2-digit province codes of GB/T 2260 (71 台湾, 81 香港, 82 澳门).
_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82",
}  # fmt: skip
_HMT_PREFIXES = ("810000", "820000", "830000")


def normalise(value):
    """The form every identifier is stored and looked up in."""
    return _SEPARATORS.sub("", value or "").upper()


def _mod11_2(number, label):
    """17 digits and the ISO 7064 MOD 11-2 check character shared by 身份证-like numbers."""
    if len(number) != 18:
        raise InvalidIdentity(f"{label}号码应为18位")
    if not is_digits(number[:17]) or not (is_digits(number[17]) or number[17] == "X"):
        raise InvalidIdentity(f"{label}号码应为17位数字加1位校验码（数字或X）")
    if ric.calc_check_digit(number) != number[17]:
        raise InvalidIdentity(f"{label}号码校验位不正确，请核对")


_TWO_DAYS = datetime.timedelta(days=2)


def _birth_date(number, label):
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdentity(f"{label}号码中的出生日期无效") from None
    # Today's local date is asked only of a birth date near it (a sheet checks 100,000 numbers).
    if born < datetime.date(1900, 1, 1) or (born >= datetime.date.today() - _TWO_DAYS and born > timezone.localdate()):
        raise InvalidIdentity(f"{label}号码中的出生日期无效")
    return born


def _citizen_number(number, label):
    _mod11_2(number, label)
    if number.startswith(_HMT_PREFIXES):
        raise InvalidIdentity("这是港澳台居民居住证号码，请选择证件类型“港澳台居民居住证”")
    _birth_date(number, label)
    if not _known_area(number[:6]):
        raise InvalidIdentity(f"{label}号码中的地区代码不存在")
    return number


@functools.lru_cache(maxsize=8192)
def _known_area(code):
    # The numdb lookup costs about a millisecond; bulk sheets repeat the same few area codes.
    return any("province" in props for _, props in numdb.get("cn/loc").info(code))


def _hmt_residence(number, label):
    _mod11_2(number, label)
    if not number.startswith(_HMT_PREFIXES):
        raise InvalidIdentity(f"{label}号码应以810000（香港）、820000（澳门）或830000（台湾）开头")
    _birth_date(number, label)
    return number


def _foreigner_pr(number, label):
    if re.fullmatch(r"[A-Z]{3}\d{12}", number):
        return number
    if len(number) == 18 and not number.startswith("9"):
        raise InvalidIdentity(f"{label}号码（18位）应以9开头")
    if len(number) != 18:
        raise InvalidIdentity(f"{label}号码应为18位，或旧版的3位国籍字母加12位数字")
    _mod11_2(number, label)
    return number


def _pattern(regex, message):
    def check(number, label):
        if not re.fullmatch(regex, number):
            raise InvalidIdentity(message)
        return number

    return check


def _passport(number, label):
    if not re.fullmatch(r"[A-Z0-9]{5,17}", number) or not any(is_digits(c) for c in number):
        raise InvalidIdentity("护照号码应为5至17位字母和数字")
    return number


def _uscc(number, label):
    if len(number) != 18:
        raise InvalidIdentity("统一社会信用代码应为18位")
    try:
        uscc.validate(number)
    except InvalidChecksum:
        raise InvalidIdentity("统一社会信用代码校验位不正确，请核对") from None
    except ValidationError:
        raise InvalidIdentity(
            "统一社会信用代码格式不正确（前8位为数字，其后为数字或大写字母，不含I、O、S、V、Z）"
        ) from None
    return number


def _provider_code(number, label):
    if not re.fullmatch(r"[HP]\d{11}", number):
        raise InvalidIdentity("定点医药机构编码应为H（医疗机构）或P（零售药店）加11位数字")
    if number[1:3] not in _PROVINCES:
        raise InvalidIdentity("定点医药机构编码中的行政区划代码不存在")
    return number


_VALIDATORS = {
    IdType.RESIDENT_ID: _citizen_number,
    IdType.HOUSEHOLD: _citizen_number,
    IdType.RESIDENCE_PERMIT: _citizen_number,
    IdType.HMT_RESIDENCE: _hmt_residence,
    IdType.FOREIGNER_PR: _foreigner_pr,
    IdType.HK_MACAO_PERMIT: _pattern(r"[HM]\d{8}(\d{2})?", "港澳居民来往内地通行证号码应为H或M加8位（旧版10位）数字"),
    IdType.PASSPORT: _passport,
    IdType.USCC: _uscc,
    IdType.PROVIDER_CODE: _provider_code,
}


def validate_id(id_type, id_number):
    """The normalised `id_number` if it is a valid number of document `id_type`."""
    if id_type not in _VALIDATORS:
        raise InvalidIdentity("请选择证件类型")
    number = normalise(id_number)
    if not number:
        raise InvalidIdentity("请填写证件号码")
    return _VALIDATORS[id_type](number, IdType(id_type).label)


def validate_phone(phone):
    """A mainland mobile (11 digits, 1[3-9]…; a +86 prefix is dropped) or a landline with its
    area code (0818-2144557). Returns it without spaces; a landline keeps one hyphen."""
    value = re.sub(r"\s+", "", phone or "")
    if not value:
        raise InvalidPhone("请填写联系电话")
    digits = re.sub(r"^(\+86|0086)-?", "", value).replace("-", "")
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return digits
    landline = re.fullmatch(r"(0\d{2,3})-?(\d{7,8})", value)
    if landline:
        return f"{landline[1]}-{landline[2]}"
    raise InvalidPhone("联系电话应为11位手机号码，或带区号的固定电话（如0818-2144557）")
