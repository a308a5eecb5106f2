"""Text that becomes a number, in one place. str.isdigit() accepts superscripts and other Unicode
digits ("³", "①", "٣") that int() refuses or reads differently; here only ASCII 0-9 count."""


def is_digits(text):
    """True when `text` is one or more ASCII digits 0-9 and nothing else."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


def whole_number(text, low=None, high=None):
    """The integer written in `text` (ASCII digits, surrounding spaces allowed), or None when it
    is not one or lies outside [low, high]."""
    text = (text or "").strip() if isinstance(text, str) else ""
    if not is_digits(text) or len(text) > 30:
        return None
    value = int(text)
    if (low is not None and value < low) or (high is not None and value > high):
        return None
    return value
