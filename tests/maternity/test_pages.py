"""The maternity case pages: the workbench shows the 核算明细 and the bundle's other cases to
staff; the portal shows the applicant (the employer for the allowance) the same table; a stranger
gets nothing."""
from django.urls import reverse

from tests.maternity.conftest import facts


def test_the_case_pages_show_the_table_and_the_bundle(regions, family, open_bundle, finish, client, staff):
    dazhou = regions["dazhou"]
    fam = family(dazhou)
    bundle, cases = open_bundle(dazhou, fam, ["maternity-allowance"], facts_=facts(babies=2))
    case, _ = finish(cases[0])
    client.force_login(staff["dazhou"].clerk)
    page = client.get(reverse("workbench:case", args=[case.receipt_no])).content.decode()
    assert "生育津贴核算明细" in page and "113天" in page and "示例参数" in page
    assert bundle.bundle_no in page
    client.force_login(fam.unit.user)
    mine = client.get(reverse("portal:my_case", args=[case.receipt_no]))
    assert mine.status_code == 200 and "日津贴" in mine.content.decode()
    client.force_login(family(dazhou, name="路人").me.user)
    assert "日津贴" not in client.get(reverse("portal:my_case", args=[case.receipt_no])).content.decode()
