"""What can go wrong with a provider, its agreement or a settlement. Each is a DomainCheckFailed
of the case engine, so a refusal reaches the provider, the workbench and the API as a structured
error with a Chinese message."""
from yibao.cases.interface import DomainCheckFailed, InvalidCaseData


class ProviderError(DomainCheckFailed):
    code = "provider_error"


class ProviderNotFound(ProviderError):
    code = "provider_not_found"


class NotTheProvidersAccount(ProviderError):
    """A provider account acting for another provider's code."""

    code = "not_the_providers_account"


class AgreementExists(ProviderError):
    """A live agreement (in progress, in force or suspended) already exists."""

    code = "agreement_exists"


class InvalidAgreementTransition(ProviderError):
    """The agreement's state does not allow the step (machines.AGREEMENTS)."""

    code = "invalid_agreement_transition"


class AgreementStepRefused(ProviderError):
    """A step the state allows but whose condition is not met (publicity still running, ...)."""

    code = "agreement_step_refused"


class PublicProviderMayNotSuspend(ProviderError):
    code = "public_provider_may_not_suspend"


class InvalidLicence(ProviderError):
    code = "invalid_licence"


class EvidenceRequired(ProviderError):
    """A major change (name, legal representative, ...) without the approving document."""

    code = "evidence_required"


class InvalidInput(InvalidCaseData):
    """A step's input missing or out of range (a panel of fewer than 3, a dispute without reason)."""

    code = "invalid_input"


class ClaimFileInvalid(InvalidInput):
    """A claim file that cannot be read or has a malformed line: refused whole."""

    code = "claim_file_invalid"


class ClaimPeriodInvalid(ProviderError):
    """A period in the future, too late to submit, or already submitted."""

    code = "claim_period_invalid"


class InvalidSettlementTransition(ProviderError):
    code = "invalid_settlement_transition"


class SettlementStepRefused(ProviderError):
    code = "settlement_step_refused"


class NoParameters(ProviderError):
    code = "no_settlement_parameters"
