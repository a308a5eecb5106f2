"""The handlers of the registration items (filled in below)."""


def register_all():
    """Register every enrolment item's handler with the case engine."""
