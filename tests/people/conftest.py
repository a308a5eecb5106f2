import pytest

from yibao.catalog.models import Region
from yibao.people import actions
from yibao.people.models import ApplicantKind, IdType

PASSWORD = "correct-horse-42"
PERSON_ID = "511702199003071238"  # valid: check digit 8
OTHER_PERSON_ID = "513224198506120044"
USCC = "91511702MA62XKL1YD"


@pytest.fixture(autouse=True)
def cheap_argon2(settings):
    # Production costs (100 MB per hash) make each login take seconds on a shared CI machine.
    settings.PASSWORD_HASHERS = ["tests.people.hashers.CheapArgon2PasswordHasher"]


@pytest.fixture
def region(db):
    return Region.objects.create(code="dazhou", name="达州市")


@pytest.fixture
def other_region(db):
    return Region.objects.create(code="songpan", name="松潘县")


@pytest.fixture
def make_staff(region):
    def make(username, roles, *, in_region=None, office="市本级"):
        return actions.create_staff(username, PASSWORD, in_region or region, office, roles).user

    return make


@pytest.fixture
def make_person(region):
    def make(number=PERSON_ID, name="张三", id_type=IdType.RESIDENT_ID):
        return actions.register_applicant(ApplicantKind.PERSON, id_type, number, name, "13800001111", PASSWORD, region)

    return make
