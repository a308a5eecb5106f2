"""What the public site changes. An online application or a supply of materials is one engine
action plus the files of its materials, in one transaction: refused as a whole, it leaves no case,
no attachment row and no file behind."""
import hashlib
import hmac
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yibao.cases import attachments
from yibao.cases.actions import attach_material, resubmit_case, submit_case, supply_materials
from yibao.cases.checklist import COMMITMENT, DOCUMENT
from yibao.cases.states import CaseState
from yibao.core.models import Channel
from yibao.portal.models import TrackAttempt

PORTAL = Channel.PORTAL


@contextmanager
def _files_kept_only_on_success(stored):
    """Rolled-back rows take their files with them (the database cannot delete files)."""
    try:
        yield
    except BaseException:
        for name in stored:
            attachments.discard(name)
        raise


def _attach_all(case, actor, uploads, stored):
    for key, files in uploads.items():
        for upload in files:
            stored.append(attach_material(case, actor, channel=PORTAL, material=key, upload=upload).stored_name)


def _supplied(uploads, commitments):
    return {**{str(k): COMMITMENT for k in commitments}, **{str(k): DOCUMENT for k in uploads}}


def apply_online(*, item, applicant, actor, uploads, agent=None, office="", conditions=None, data=None,
                 commitments=(), comment=""):
    """网上申请: submit_case through the portal with the uploaded materials. `uploads` is
    {material key: [files]}; `commitments` the keys replaced by a 个人承诺书."""
    stored = []
    with _files_kept_only_on_success(stored), transaction.atomic():
        case = submit_case(
            item=item, applicant=applicant, actor=actor, channel=PORTAL, office=office, agent=agent,
            conditions=conditions, data=data, materials=_supplied(uploads, commitments), comment=comment,
        )
        _attach_all(case, actor, uploads, stored)
    return case


def supply_online(case, actor, *, uploads, commitments=(), expected_version=None):
    """补正 after a 一次性告知 (resubmit_case), otherwise 补交 of owed materials (supply_materials),
    with the files. The engine refuses what the case's state does not allow."""
    stored = []
    supplied = _supplied(uploads, commitments)
    with _files_kept_only_on_success(stored), transaction.atomic():
        if case.state == CaseState.CORRECTION_REQUESTED:
            case = resubmit_case(case, actor, channel=PORTAL, materials=supplied, expected_version=expected_version)
        else:
            case = supply_materials(case, actor, channel=PORTAL, materials=supplied,
                                    expected_version=expected_version)
        _attach_all(case, actor, uploads, stored)
    return case


def _client_key(ip):
    # Keyed hash: the table never holds an address, and cannot be reversed by trying them all.
    return hmac.new(settings.SECRET_KEY.encode(), (ip or "-").encode(), hashlib.sha256).hexdigest()


def record_track_attempt(ip, now=None):
    """Count one progress query from address `ip`; False when that address has made more than
    YIBAO_PORTAL_TRACK_LIMIT within YIBAO_PORTAL_TRACK_MINUTES (refused ones count too).
    Insert first, then count: two racing requests cannot both slip under the limit."""
    now = now or timezone.now()
    since = now - timedelta(minutes=settings.YIBAO_PORTAL_TRACK_MINUTES)
    client = _client_key(ip)
    with transaction.atomic():
        TrackAttempt.objects.filter(at__lt=since).delete()  # nothing older than the window matters
        TrackAttempt.objects.create(client=client, at=now)
        count = TrackAttempt.objects.filter(client=client, at__gte=since).count()
    return count <= settings.YIBAO_PORTAL_TRACK_LIMIT
