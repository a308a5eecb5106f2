"""What can go wrong with an account, a withdrawal or a transfer. Each is a DomainCheckFailed of
the case engine, so a refusal reaches the applicant and the API as a structured error."""
from yibao.cases.interface import DomainCheckFailed, InvalidCaseData


class AccountError(DomainCheckFailed):
    code = "account_error"


class NoBalance(AccountError):
    """Nothing to withdraw or transfer."""

    code = "no_balance"


class InsufficientBalance(AccountError):
    """A debit larger than the balance."""

    code = "insufficient_balance"


class ReasonNotOffered(AccountError):
    """The withdrawal reason does not apply in this region (or the balance is under its threshold)."""

    code = "reason_not_offered"


class NoRemoteFiling(AccountError):
    """account-transfer needs a cross-province long-term remote-care filing."""

    code = "no_remote_filing"


class PaymentNotSettled(AccountError):
    """办结 waits for the payment order to be paid."""

    code = "payment_not_settled"


class TransferError(AccountError):
    code = "transfer_error"


class InvalidSheet(InvalidCaseData):
    """A 信息表 file that cannot be read or does not fit the format."""

    code = "invalid_sheet"
