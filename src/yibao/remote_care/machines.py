"""The filing's states as one table (core.machine): a valid filing may be changed, cancelled or
expire; nothing leaves the other three."""
from yibao.core.machine import Machine
from yibao.remote_care.exceptions import InvalidFilingMove
from yibao.remote_care.models import FilingAction as A
from yibao.remote_care.models import FilingStatus as S

FILINGS = Machine(
    {(S.VALID, A.CHANGE): S.CHANGED, (S.VALID, A.CANCEL): S.CANCELLED, (S.VALID, A.EXPIRE): S.EXPIRED},
    error=InvalidFilingMove,
    refusal=lambda state, action: f"备案状态为“{S(state).label}”，不能{A(action).label}",
    names=("status", "action"),
)
