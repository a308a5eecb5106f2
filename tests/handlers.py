"""For tests about the engine, the portal, the workbench or the API rather than a domain: run item
codes on the engine's GenericHandler whatever a domain app registers for them, then put the domain
registrations back (each domain tests its own rules in its app)."""
from contextlib import contextmanager

import pytest

from yibao.cases import handlers
from yibao.catalog.codes import ITEM_CODES


@contextmanager
def on_generic_handler(*codes):
    """Run `codes` (every item code if none is named) on GenericHandler inside the block. Whatever a
    test registers for them meanwhile is dropped afterwards."""
    codes = codes or [c.code for c in ITEM_CODES]
    saved = {code: handlers.handler_for(code) for code in codes}
    for code in codes:
        handlers.unregister(code)
    try:
        yield
    finally:
        for code, handler in saved.items():
            handlers.unregister(code)
            if type(handler) is not handlers.GenericHandler:
                handlers.register(code, handler)


def generic_handlers_for(*codes, autouse=True):
    """A `generic_handlers` fixture for a module or conftest: `generic_handlers = generic_handlers_for(...)`
    (a module's fixture of that name overrides its conftest's)."""

    @pytest.fixture(autouse=autouse)
    def generic_handlers():
        with on_generic_handler(*codes):
            yield

    return generic_handlers
