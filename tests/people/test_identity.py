import pytest
from hypothesis import given
from hypothesis import strategies as st

from yibao.people.identity import InvalidIdentity, InvalidPhone, validate_id, validate_phone
from yibao.people.models import IdType


@pytest.mark.parametrize(
    "id_type, given_number, expected",
    [
        (IdType.RESIDENT_ID, "11010519491231002X", "11010519491231002X"),  # GB 11643 example
        (IdType.RESIDENT_ID, "11010519491231002x", "11010519491231002X"),  # lower-case x normalised
        (IdType.RESIDENT_ID, " 511702 19900307 1238 ", "511702199003071238"),
        (IdType.HOUSEHOLD, "513224198506120044", "513224198506120044"),
        (IdType.RESIDENCE_PERMIT, "510402197809233017", "510402197809233017"),
        (IdType.HMT_RESIDENCE, "810000199001010019", "810000199001010019"),
        (IdType.FOREIGNER_PR, "USA110086123456", "USA110086123456"),  # pre-2017 card
        (IdType.FOREIGNER_PR, "951084019900101000", "951084019900101000"),
        (IdType.HK_MACAO_PERMIT, "h12345678", "H12345678"),
        (IdType.HK_MACAO_PERMIT, "M1234567801", "M1234567801"),
        (IdType.PASSPORT, "E12345678", "E12345678"),
        (IdType.PASSPORT, "ea1234567", "EA1234567"),
        (IdType.PASSPORT, "G12345678", "G12345678"),
        (IdType.PASSPORT, "533380006", "533380006"),  # a foreign (US) passport
        (IdType.USCC, "91511702ma62xkl1yd", "91511702MA62XKL1YD"),
        (IdType.USCC, "12511700450123456W", "12511700450123456W"),
        (IdType.PROVIDER_CODE, "h51170200001", "H51170200001"),
        (IdType.PROVIDER_CODE, "P51040200123", "P51040200123"),
    ],
)
def test_valid_numbers_are_normalised(id_type, given_number, expected):
    assert validate_id(id_type, given_number) == expected


@pytest.mark.parametrize(
    "id_type, number, message",
    [
        (IdType.RESIDENT_ID, "110105194912310021", "校验位不正确"),  # X expected
        (IdType.RESIDENT_ID, "511702199003071239", "校验位不正确"),
        (IdType.RESIDENT_ID, "51170219900307123", "应为18位"),
        (IdType.RESIDENT_ID, "5117021990030712A8", "17位数字"),
        (IdType.RESIDENT_ID, "511702199002300000", "出生日期无效"),  # 30 February
        (IdType.RESIDENT_ID, "511702189901010008", "出生日期无效"),  # before 1900
        (IdType.RESIDENT_ID, "511702209901010003", "出生日期无效"),  # in the future
        (IdType.RESIDENT_ID, "991702199003071237", "地区代码不存在"),
        (IdType.RESIDENT_ID, "810000199001010019", "港澳台居民居住证"),
        (IdType.HOUSEHOLD, "511702199003071239", "户口簿号码校验位不正确"),
        (IdType.HMT_RESIDENCE, "511702199003071238", "810000"),
        (IdType.FOREIGNER_PR, "551084019900101000", "以9开头"),
        (IdType.FOREIGNER_PR, "951084019900101008", "校验位不正确"),
        (IdType.FOREIGNER_PR, "US110086123456", "应为18位"),
        (IdType.HK_MACAO_PERMIT, "C12345678", "H或M"),  # a mainland resident's permit, not this one
        (IdType.HK_MACAO_PERMIT, "H1234567", "H或M"),
        (IdType.PASSPORT, "E123", "5至17位"),
        (IdType.PASSPORT, "护照E1234567", "5至17位"),
        (IdType.PASSPORT, "ABCDEFGHI", "5至17位"),  # no digit
        (IdType.USCC, "91511702MA62XKL1YE", "校验位不正确"),
        (IdType.USCC, "91511702MA62XKL1Y", "应为18位"),
        (IdType.USCC, "9151170IMA62XKL1YD", "格式不正确"),
        (IdType.PROVIDER_CODE, "X51170200001", "H（医疗机构）或P（零售药店）"),
        (IdType.PROVIDER_CODE, "H5117020001", "H（医疗机构）或P（零售药店）"),
        (IdType.PROVIDER_CODE, "H99170200001", "行政区划代码不存在"),
        ("driving_licence", "511702199003071238", "请选择证件类型"),
        (IdType.RESIDENT_ID, "  ", "请填写证件号码"),
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(id_type, number, message):
    with pytest.raises(InvalidIdentity, match=message):
        validate_id(id_type, number)


@given(body=st.from_regex(r"511702(19[5-9][0-9]|200[0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}", fullmatch=True))
def test_exactly_one_check_character_completes_a_resident_id(body):
    accepted = []
    for check in "0123456789X":
        try:
            validate_id(IdType.RESIDENT_ID, body + check)
            accepted.append(check)
        except InvalidIdentity:
            pass
    assert len(accepted) == 1


@pytest.mark.parametrize(
    "phone, expected",
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("0818-2144557", "0818-2144557"),
        ("08182144557", "0818-2144557"),
        ("010-12345678", "010-12345678"),
    ],
)
def test_valid_phones(phone, expected):
    assert validate_phone(phone) == expected


@pytest.mark.parametrize("phone", ["", "12812345678", "1381234567", "2144557", "0818-21445", "abc"])
def test_invalid_phones(phone):
    with pytest.raises(InvalidPhone):
        validate_phone(phone)
