"""What can go wrong with a payment order. They extend the case engine's errors so that a refusal
reaches the workbench and the API as the same structured answer (code, Chinese message, details)."""
from yibao.cases.interface import DomainCheckFailed, InvalidCaseData, InvalidTransition, PayerIsApprover


class InvalidOrderTransition(InvalidTransition):
    """The order's state does not allow the step."""

    code = "invalid_order_transition"


class OrderExists(DomainCheckFailed):
    """A case has one payment order, never two."""

    code = "order_exists"


class InvalidPayee(InvalidCaseData):
    """Payee name, account kind or account number that cannot be paid to."""

    code = "invalid_payee"


class MakerChecker(PayerIsApprover):
    """Whoever created or approved an order may not mark it paid (or failed)."""

    code = "maker_checker"


class OrderNotFound(DomainCheckFailed):
    code = "order_not_found"


class BatchConflict(DomainCheckFailed):
    """An order is not (or no longer) available for the batch, or a batched order is settled by hand."""

    code = "batch_conflict"


class ReturnFileRejected(InvalidCaseData):
    """The bank's return file cannot be taken as it is: nothing of it is imported."""

    code = "return_file_rejected"
