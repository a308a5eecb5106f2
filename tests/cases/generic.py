"""For tests about the engine, the portal or the workbench rather than a domain: run some item codes
on the GenericHandler whatever a domain app registers for them, and put the registrations back."""
import pytest

from yibao.cases import handlers


def generic_handlers_for(*codes, autouse=True):
    @pytest.fixture(autouse=autouse)
    def generic_handlers():
        saved = {code: handlers.handler_for(code) for code in codes}
        for code in codes:
            handlers.unregister(code)
        yield
        for code, handler in saved.items():
            handlers.unregister(code)  # whatever the test registered
            if type(handler) is not handlers.GenericHandler:
                handlers.register(code, handler)

    return generic_handlers
