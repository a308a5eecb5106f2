"""The supervisors' 清单对标 page: their region's guide in force against the lists."""
import pytest

pytestmark = pytest.mark.django_db


def test_supervisor_sees_the_region_findings(as_user, supervisor, seeded_catalog):
    response = as_user(supervisor).get("/workbench/audit/")
    assert response.status_code == 200
    page = response.content.decode()
    # 达州 单位参保登记 3 working days against the Sichuan list's 1, cited.
    assert 'data-item="unit-enrollment" data-kind="limit_over_list"' in page
    assert "不超过3个工作日" in page and "四川省医疗保障经办政务服务事项清单" in page
    assert "songpan" not in page.split('id="audit-total"')[1]  # another region's guide is not listed


def test_a_clerk_may_not(as_user, clerk, seeded_catalog):
    response = as_user(clerk).get("/workbench/audit/")
    assert response.status_code == 403 and "仅供科室负责人" in response.content.decode()
