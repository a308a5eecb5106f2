"""受理编号: region code, date, the day's sequence number and three random check characters.

The sequence makes numbers readable and sortable; the check characters make them not enumerable
(a progress query also needs the applicant's ID number). Uniqueness is the database's job.
"""
import secrets

from django.db import IntegrityError, connection, transaction

from yibao.cases.models import ReceiptSequence

CHECK_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out over the phone
CHECK_LENGTH = 3


def prefix_for(region):
    return (region.admin_code or region.code).upper()[:20]


def _increment(prefix, day):
    """The day's next number, or None before the day's row exists: one UPDATE … RETURNING (the
    row stays locked by the caller's transaction until it ends)."""
    table = connection.ops.quote_name(ReceiptSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE {table} SET "last" = "last" + 1 WHERE "prefix" = %s AND "day" = %s RETURNING "last"',
                       [prefix, connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return row[0] if row else None


def _next_sequence(prefix, day):
    with transaction.atomic(savepoint=False):  # the caller's transaction when there is one
        last = _increment(prefix, day)
        if last is not None:
            return last
        try:
            with transaction.atomic():
                ReceiptSequence.objects.create(prefix=prefix, day=day, last=1)
            return 1
        except IntegrityError:  # another transaction created today's row first
            return _increment(prefix, day)


def next_receipt_no(region, day):
    prefix = prefix_for(region)
    sequence = _next_sequence(prefix, day)
    check = _check(secrets.randbelow(len(CHECK_ALPHABET) ** CHECK_LENGTH))  # one draw, not one per character
    return f"{prefix}-{day:%Y%m%d}-{sequence:06d}-{check}"


def _check(n):
    """The check characters spelling n (0 ≤ n < len(CHECK_ALPHABET) ** CHECK_LENGTH), uniformly."""
    out = []
    for _ in range(CHECK_LENGTH):
        n, digit = divmod(n, len(CHECK_ALPHABET))
        out.append(CHECK_ALPHABET[digit])
    return "".join(out)


def normalise(receipt_no):
    return (receipt_no or "").strip().upper()
