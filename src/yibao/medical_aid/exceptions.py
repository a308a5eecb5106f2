"""The refusals of medical aid, each a structured error with its Chinese message."""
from yibao.cases.interface import DomainCheckFailed


class ListRejected(DomainCheckFailed):
    code = "aid_list_rejected"


class NotRecognised(DomainCheckFailed):
    code = "aid_not_recognised"


class StatementAlreadyAided(DomainCheckFailed):
    code = "aid_statement_already_aided"


class AidNotPayable(DomainCheckFailed):
    code = "aid_not_payable"


class BatchError(DomainCheckFailed):
    code = "aid_batch_error"
