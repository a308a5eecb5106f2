"""The 《参保人员基本医疗保险信息表》 as a file, exchanged with regions outside the deployment:
what `yibao transfer export` writes and `yibao transfer import` reads (format "yibao.transfer-sheet",
version 1)."""
import datetime
import json
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from yibao.accounts.exceptions import InvalidSheet

FORMAT = "yibao.transfer-sheet"


class SheetPeriod(BaseModel):
    source: str = ""
    months: int = Field(ge=0, le=1200)


class SheetPerson(BaseModel):
    id_type: str
    id_number: str = Field(min_length=4, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    sex: Literal["M", "F"]
    birth_date: datetime.date
    phone: str = Field("", max_length=20)


class SheetFile(BaseModel):
    """The JSON form of a 信息表: what `export` writes and `import` reads."""

    format: Literal[FORMAT]
    version: Literal[1]
    sheet_no: str = Field(min_length=4, max_length=60)
    from_region: str = Field(min_length=1, max_length=120)
    to_region: str = Field("", max_length=120)
    person: SheetPerson
    scheme: Literal["employee", "resident"]
    insured_from: datetime.date
    insured_until: datetime.date
    periods: list[SheetPeriod]
    account_balance: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    issued_on: datetime.date

    @classmethod
    def read(cls, content):
        try:
            return cls.model_validate(json.loads(content))
        except json.JSONDecodeError as exc:
            raise InvalidSheet(f"信息表文件不是有效的 JSON：{exc.msg}") from None
        except ValidationError as exc:
            fields = "、".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
            raise InvalidSheet(f"信息表文件不符合格式：{fields}",
                               errors=[{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                                       for e in exc.errors()]) from None

    @classmethod
    def of(cls, sheet):
        return cls(format=FORMAT, version=1, sheet_no=sheet.sheet_no, from_region=sheet.from_region_name,
                   to_region=sheet.to_region_name,
                   person=SheetPerson(id_type=sheet.id_type, id_number=sheet.id_number, name=sheet.name, sex=sheet.sex,
                                      birth_date=sheet.birth_date, phone=sheet.phone),
                   scheme=sheet.scheme, insured_from=sheet.insured_from, insured_until=sheet.insured_until,
                   periods=[SheetPeriod(**p) for p in sheet.periods], account_balance=sheet.account_balance,
                   issued_on=sheet.issued_on)

    def dumps(self):
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2)

    def fields(self):
        """TransferSheet fields (the in side fills to_region)."""
        return {"sheet_no": self.sheet_no, "from_region_name": self.from_region, "to_region_name": self.to_region,
                **self.person.model_dump(), "scheme": self.scheme, "insured_from": self.insured_from,
                "insured_until": self.insured_until, "periods": [p.model_dump() for p in self.periods],
                "account_balance": self.account_balance, "issued_on": self.issued_on}
