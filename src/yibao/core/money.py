"""Money is Decimal in yuan with 2 places (fen). Never float."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")


class MoneyError(ValueError):
    pass


def yuan(value):
    """Parse a yuan amount (str, int or Decimal; never float) to Decimal with 2 places."""
    if isinstance(value, float):
        raise MoneyError("金额不得使用浮点数")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, AttributeError) as exc:
        raise MoneyError(f"金额格式不正确：{value!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"金额格式不正确：{value!r}")
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)
