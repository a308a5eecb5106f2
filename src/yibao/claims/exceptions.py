"""What can go wrong with a reimbursement claim. Each is a DomainCheckFailed of the case engine, so
a refusal reaches the applicant, the workbench and the API as a structured error."""
from yibao.cases.interface import DomainCheckFailed


class ClaimError(DomainCheckFailed):
    code = "claim_error"


class InvoiceAlreadyClaimed(ClaimError):
    """The invoice number is held by another case (reimbursed once across the deployment)."""

    code = "invoice_already_claimed"


class NotInsured(ClaimError):
    """The person has no enrolment in any scheme to be reimbursed under."""

    code = "not_insured"


class NoParameters(ClaimError):
    """No reimbursement parameters cover the date of care (or the hospital level)."""

    code = "parameters_missing"


class ProviderUnknown(ClaimError):
    """The provider register does not know the invoice's provider and the invoice gives no level."""

    code = "provider_unknown"


class ReviewOrderError(ClaimError):
    """初审 before 复核, 财务复核 before 拨付, by different people."""

    code = "review_order"


class AmountNotTyped(ClaimError):
    """The payable amount is computed: a reviewer adjusts lines with a reason, never types the total."""

    code = "amount_is_computed"


class NothingPayable(ClaimError):
    code = "nothing_payable"


class MaterialCondition(ClaimError):
    """A condition on the materials the guide states (seals, 承诺书)."""

    code = "material_condition"
