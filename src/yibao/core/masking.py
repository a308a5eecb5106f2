"""Masking of personal data wherever the full value is not needed."""


def mask_id_number(value):
    """身份证号 and other ID numbers: keep the first 3 and last 4 characters."""
    value = (value or "").strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value):
    """Mobile 138****1234; a landline keeps its area code and the last 2 digits."""
    value = (value or "").strip()
    digits = value.replace("-", "")
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    if "-" in value:
        area, _, number = value.partition("-")
        return area + "-" + "*" * max(len(number) - 2, 0) + number[-2:]
    return "*" * max(len(value) - 2, 0) + value[-2:]


def mask_bank_account(value):
    """Bank account: only the last 4 digits."""
    value = (value or "").replace(" ", "")
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_name(value):
    """张三丰 -> 张**; keeps the family name only."""
    value = (value or "").strip()
    return value[:1] + "*" * (len(value) - 1) if value else ""


class MaskedIdentity:
    """For a model with `id_number` and `phone`: the masked values to show where the full ones
    are not needed (lists, notices, audit summaries)."""

    @property
    def masked_id(self):
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    # Column titles when the admin lists these properties.
    masked_id.fget.short_description = "证件号码"
    masked_phone.fget.short_description = "联系电话"
