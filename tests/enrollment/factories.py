"""Register rows for tests, written directly (the actions are tested through the engine)."""
import datetime
from itertools import count

from stdnum.cn import ric, uscc

from yibao.enrollment.models import Employer, EmployerKind, Person, Sex

_seq = count(1)


def id_number(born=datetime.date(1990, 1, 1), area="511702"):
    """A valid 身份证号 (check digit computed), unique per call."""
    body = f"{area}{born:%Y%m%d}{next(_seq) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def uscc_code():
    body = f"91511700MA{next(_seq):07d}"
    return body + uscc.calc_check_digit(body)


def employer(region, **kw):
    data = {"uscc": uscc_code(), "name": f"测试单位{next(_seq)}", "kind": EmployerKind.ENTERPRISE,
            "legal_representative": "王五", "bank_account": "6222020200112233445", "registered_on": datetime.date(2020, 1, 1)}
    data.update(kw)
    return Employer.objects.create(region=region, **data)


def person(region, **kw):
    data = {"id_number": id_number(), "name": "张三", "birth_date": datetime.date(1990, 1, 1), "phone": "13800000000"}
    data.update(kw)
    data.setdefault("sex", Sex.MALE if int(data["id_number"][16]) % 2 else Sex.FEMALE)
    return Person.objects.create(region=region, **data)
