"""The bank account keyed into a unit's particulars or a flexible worker's contribution: spaces
dropped, digits only."""
import pytest
from pydantic import ValidationError

from yibao.enrollment.handlers import EmployerData
from yibao.contributions.handlers import FlexibleContributionData

UNIT = {"uscc": "91511702MA62XKL1YD", "name": "达州市演示商贸有限公司", "kind": "enterprise", "legal_representative": "王五"}
MONTHS = {"from_month": "2026-01", "to_month": "2026-03"}


@pytest.mark.parametrize("schema,data", [(EmployerData, UNIT), (FlexibleContributionData, MONTHS)])
def test_bank_account_is_digits_without_spaces(schema, data):
    assert schema.model_validate({**data, "bank_account": "6222 0212 3456"}).bank_account == "622202123456"
    assert schema.model_validate(data).bank_account == ""
    with pytest.raises(ValidationError, match="银行账号应为数字"):
        schema.model_validate({**data, "bank_account": "6222-0212"})
