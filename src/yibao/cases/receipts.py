"""受理编号: region code, date, the day's sequence number and three random check characters.

The sequence makes numbers readable and sortable; the check characters make them not enumerable
(a progress query also needs the applicant's ID number). Uniqueness is the database's job.
"""
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F

from yibao.cases.models import ReceiptSequence

CHECK_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out over the phone
CHECK_LENGTH = 3


def prefix_for(region):
    return (region.admin_code or region.code).upper()[:20]


def _next_sequence(prefix, day):
    with transaction.atomic():
        if not ReceiptSequence.objects.filter(prefix=prefix, day=day).update(last=F("last") + 1):
            try:
                with transaction.atomic():
                    ReceiptSequence.objects.create(prefix=prefix, day=day, last=1)
                return 1
            except IntegrityError:  # another transaction created today's row first
                ReceiptSequence.objects.filter(prefix=prefix, day=day).update(last=F("last") + 1)
        return ReceiptSequence.objects.get(prefix=prefix, day=day).last


def next_receipt_no(region, day):
    prefix = prefix_for(region)
    sequence = _next_sequence(prefix, day)
    check = "".join(secrets.choice(CHECK_ALPHABET) for _ in range(CHECK_LENGTH))
    return f"{prefix}-{day:%Y%m%d}-{sequence:06d}-{check}"


def normalise(receipt_no):
    return (receipt_no or "").strip().upper()
