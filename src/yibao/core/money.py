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
    try:
        return amount.quantize(FEN, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than any amount has (1e30)
        raise MoneyError(f"金额超出允许范围：{value!r}") from None


# The money columns are DECIMAL(14, 2): the largest amount they hold.
MAX_AMOUNT = Decimal("999999999999.99")


def payable(value, *, ceiling=None):
    """An amount to approve or pay: a plain positive number of yuan with at most 2 decimals, inside
    the column's range and not over `ceiling` (a policy parameter). MoneyError in Chinese otherwise."""
    if isinstance(value, float):
        raise MoneyError("金额不得使用浮点数")
    text = str(value if value is not None else "").strip().replace(",", "")
    if not text:
        raise MoneyError("请填写金额")
    if len(text) > 20 or not all(c in "0123456789.-+" for c in text):
        raise MoneyError(f"金额格式不正确：{text[:20]}（应为以元为单位的数字，如 1234.56）")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise MoneyError(f"金额格式不正确：{text}（应为以元为单位的数字，如 1234.56）") from None
    if not amount.is_finite():
        raise MoneyError(f"金额格式不正确：{text}")
    if amount <= 0:
        raise MoneyError("金额须大于0")
    if amount.as_tuple().exponent < -2:
        raise MoneyError("金额最多保留两位小数（元、角、分）")
    if amount > MAX_AMOUNT:
        raise MoneyError(f"金额超出允许范围（不超过{MAX_AMOUNT}元）")
    if ceiling is not None and amount > ceiling:
        raise MoneyError(f"金额超过该事项的支付上限{ceiling}元")
    return amount.quantize(FEN)
