import pytest

from tests.cases import factories as cf


@pytest.fixture
def region(db):
    return cf.region()
