"""Sent after a filing's change of state commits (R38: 备案上传 and notifying the insured). The
national platform the guides upload to is not named; whatever connects to it listens here."""
from django.db import transaction
from django.dispatch import Signal

filing_changed = Signal()  # sender=Filing, filing=..., action=FilingAction value


def send_on_commit(filing, action):
    transaction.on_commit(lambda: filing_changed.send(sender=type(filing), filing=filing, action=action))
