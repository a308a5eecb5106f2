"""The registers in the admin: viewable, not editable, personal data masked."""
import pytest
from django.contrib.auth import get_user_model

from tests.enrollment import factories as f


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(user)
    return client


def test_person_list_masks_and_registers_are_read_only(admin_client, region):
    person = f.person(region, phone="13912345678")
    page = admin_client.get("/admin/enrollment/person/").content.decode()
    assert person.masked_id in page and person.id_number not in page and "13912345678" not in page
    assert admin_client.get("/admin/enrollment/person/add/").status_code == 403
    employer = f.employer(region)
    page = admin_client.get(f"/admin/enrollment/employer/{employer.pk}/change/").content.decode()
    assert employer.bank_account not in page and employer.masked_bank_account in page
