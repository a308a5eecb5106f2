"""The agreement's and the settlement's one table of allowed moves each (core.machine)."""
from yibao.core.machine import Machine
from yibao.providers.exceptions import InvalidAgreementTransition, InvalidSettlementTransition
from yibao.providers.models import AgreementAction as A
from yibao.providers.models import AgreementState as S
from yibao.providers.models import SettlementAction as SA
from yibao.providers.models import SettlementState as SS

AGREEMENTS = Machine(
    {
        (S.APPLIED, A.EVALUATE): S.EVALUATING,
        (S.APPLIED, A.REJECT): S.REJECTED,
        (S.EVALUATING, A.PASS): S.PUBLICISED,
        (S.EVALUATING, A.REJECT): S.REJECTED,
        (S.PUBLICISED, A.OBJECT): S.PUBLICISED,  # an objection is recorded; the state stays
        (S.PUBLICISED, A.NEGOTIATE): S.NEGOTIATING,
        (S.PUBLICISED, A.REJECT): S.REJECTED,  # an objection upheld
        (S.NEGOTIATING, A.SIGN): S.NEGOTIATING,  # signed; in force when the case is completed
        (S.NEGOTIATING, A.REJECT): S.REJECTED,  # negotiation failed
        (S.NEGOTIATING, A.ACTIVATE): S.IN_FORCE,
        (S.IN_FORCE, A.CHANGE): S.IN_FORCE,
        (S.SUSPENDED, A.CHANGE): S.SUSPENDED,
        (S.IN_FORCE, A.OPEN_REMOTE): S.IN_FORCE,
        (S.IN_FORCE, A.SUSPEND): S.SUSPENDED,
        (S.SUSPENDED, A.RESUME): S.IN_FORCE,
        (S.IN_FORCE, A.TERMINATE): S.TERMINATED,
        (S.SUSPENDED, A.TERMINATE): S.TERMINATED,
        (S.IN_FORCE, A.EXPIRE): S.EXPIRED,
        (S.SUSPENDED, A.EXPIRE): S.EXPIRED,
    },
    error=InvalidAgreementTransition,
    refusal=lambda state, action: f"协议当前为“{S(state).label}”，不能{A(action).label}",
)

SETTLEMENTS = Machine(
    {
        (SS.AUDITED, SA.ANSWER): SS.ANSWERED,
        (SS.ANSWERED, SA.ANSWER): SS.ANSWERED,  # answers may be added until the re-review
        (SS.AUDITED, SA.REVIEW): SS.REVIEWED,  # no answer given: the re-review goes ahead
        (SS.ANSWERED, SA.REVIEW): SS.REVIEWED,
        (SS.REVIEWED, SA.APPROVE): SS.APPROVED,
        (SS.APPROVED, SA.SETTLE): SS.SETTLED,
        (SS.AUDITED, SA.VOID): SS.VOID,
        (SS.ANSWERED, SA.VOID): SS.VOID,
        (SS.REVIEWED, SA.VOID): SS.VOID,
        (SS.APPROVED, SA.VOID): SS.VOID,
    },
    error=InvalidSettlementTransition,
    refusal=lambda state, action: f"结算申报当前为“{SS(state).label}”，不能{SA(action).label}",
)
