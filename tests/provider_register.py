"""A provider on the designated-provider register, written as providers.demo writes its demo
hospital (a Provider, an agreement in force from a date and its history), for the domains that
read the register (claims, entitlements, remote care). Not the designation procedure: that is
tested in tests/providers."""
import datetime

from yibao.core.models import Channel
from yibao.providers.models import Agreement, AgreementAction, AgreementEvent, AgreementState, Provider


def registered_hospital(region, code, name, *, level="3", ownership="public", since=datetime.date(2020, 1, 1),
                        ended=None, account=None, kind="hospital"):
    """A hospital designated from `since` (and, if `ended` is a date, no longer from then)."""
    provider = Provider.objects.create(
        code=code, name=name, kind=kind, level=level, ownership=ownership, licence_kind="practice",
        licence_no=f"PDY{code[1:7]}-TEST", legal_representative="测试院长", address=f"{region.name}测试路1号",
        bank_name="中国银行测试支行", bank_account="511702000000009999", region=region, account=account)
    agreement = Agreement.objects.create(provider=provider, region=region, state=AgreementState.IN_FORCE,
                                         signed_on=since, starts_on=since, scope_provincial=True)
    AgreementEvent.objects.create(agreement=agreement, action=AgreementAction.ACTIVATE, to_state=AgreementState.IN_FORCE,
                                  on=since, channel=Channel.SYSTEM, comment="测试：协议生效")
    if ended is not None:
        agreement.state, agreement.ended_on = AgreementState.TERMINATED, ended
        agreement.save(update_fields=["state", "ended_on"])
        AgreementEvent.objects.create(agreement=agreement, action=AgreementAction.TERMINATE,
                                      from_state=AgreementState.IN_FORCE, to_state=AgreementState.TERMINATED, on=ended,
                                      channel=Channel.SYSTEM, comment="测试：协议解除")
    return provider
