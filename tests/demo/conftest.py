"""The demo loaded small (a few persons and cases per region): enough for every state."""
import pytest

SMALL = {"persons": 40, "cases": 16, "months": 2}


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    """The printed demo accounts' passwords hashed quickly: argon2 takes half a second each here."""
    settings.PASSWORD_HASHERS = ["tests.people.hashers.CheapArgon2PasswordHasher"]


def failures(record):
    return [f for r in record.summary.values() if isinstance(r, dict) for f in r.get("failures", [])]


@pytest.fixture
def demo(seeded_catalog):
    from yibao.demo.load import load

    record, created = load(seed=7, **SMALL)
    assert created and not failures(record), failures(record)
    return record
