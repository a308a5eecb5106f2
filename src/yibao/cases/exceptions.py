"""What can go wrong when a case moves. Each error has a stable `code` for the API, a Chinese
message for the person in front of the screen, and `details` (plain data) for a structured answer.
ImmutableRecord (history changed) is core's, named here too because the engine's callers catch it.
"""
from yibao.core.errors import NamedError
from yibao.core.records import ImmutableRecord  # noqa: F401 (named here for the engine's callers)


class CaseError(NamedError):
    code = "case_error"


class InvalidTransition(CaseError):
    """The action is not allowed in the case's current state (or for this item)."""

    code = "invalid_transition"


class ConcurrentUpdate(CaseError):
    """Someone else changed the case since the caller read it."""

    code = "concurrent_update"


class CaseNotFound(CaseError):
    """No case answers to this receipt number and ID number (the same answer either way)."""

    code = "not_found"


class ReasonRequired(CaseError):
    code = "reason_required"


class ItemNotAvailable(CaseError):
    """The item is not offered by a guide in force (or the guide is a template)."""

    code = "item_not_available"


class InvalidCaseData(CaseError):
    """The case data or conditions do not fit the handler's schema."""

    code = "invalid_data"


class UnknownMaterial(CaseError):
    code = "unknown_material"


class CommitmentNotAllowed(CaseError):
    """A 个人承诺书 was offered for a material that the guide does not let it replace."""

    code = "commitment_not_allowed"


class MaterialsIncomplete(CaseError):
    """Acceptance with materials missing that may not be owed (容缺): a correction notice is due."""

    code = "materials_incomplete"


class EmptyCorrection(CaseError):
    code = "empty_correction"


class RepeatedCorrection(CaseError):
    """A later correction notice names a material the earlier one could have named (一次性告知)."""

    code = "repeated_correction"


class OwedMaterialsOutstanding(CaseError):
    """Materials owed under 容缺受理 have not been supplied: the decision waits for them."""

    code = "owed_materials_outstanding"


class LimitUndetermined(CaseError):
    """The guide splits the time limit and the case does not say which rule applies."""

    code = "limit_undetermined"


class NotInstant(CaseError):
    code = "not_instant"


class PaymentAmountRequired(CaseError):
    code = "amount_required"


class PayerIsApprover(CaseError):
    """Maker-checker: whoever approved the case may not disburse it."""

    code = "payer_is_approver"


class AgentNotAuthorised(CaseError):
    """帮办代办 online without the principal's authorisation given in their own account."""

    code = "agent_not_authorised"


class ChannelNotOffered(CaseError):
    """The guide in force offers the item at a window only: no online or API application."""

    code = "channel_not_offered"


class HandlerIsReviewer(CaseError):
    """经办与审核分离: whoever filed or accepted a case with a review step may not decide it."""

    code = "handler_is_reviewer"


class DomainCheckFailed(CaseError):
    """A handler's domain rule refused the action."""

    code = "domain_check_failed"


class AlreadyRated(CaseError):
    code = "already_rated"


class FollowUpClosed(CaseError):
    code = "follow_up_closed"


class UnsupportedFile(CaseError):
    """An upload that is not a PDF, JPEG or PNG by its content (or is empty)."""

    code = "unsupported_file"


class FileTooLarge(CaseError):
    """An upload over settings.YIBAO_UPLOAD_MAX_BYTES."""

    code = "file_too_large"
