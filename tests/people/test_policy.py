import pytest

from yibao.people import actions, policy
from yibao.people.models import Role

from .conftest import OTHER_PERSON_ID, PASSWORD

pytestmark = pytest.mark.django_db

ACTIONS = [
    "view", "accept", "request_correction", "refuse", "review", "approve", "deny", "pay", "complete",
    "reassign", "follow_up", "dashboard", "administer",
]  # fmt: skip
# Written out from the brief, not derived from the module under test.
ALLOWED_IN_OWN_REGION = {
    Role.CLERK: {"view", "accept", "request_correction", "refuse", "complete"},
    Role.REVIEWER: {"view", "review", "approve", "deny", "complete"},
    Role.PAYER: {"view", "pay"},
    Role.SUPERVISOR: {"view", "reassign", "follow_up", "dashboard"},
    Role.ADMIN: set(ACTIONS),
}


@pytest.mark.parametrize("where", ["same", "other"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", list(Role))
def test_role_action_region_matrix(role, action, where, region, other_region, make_staff):
    user = make_staff(f"staff-{role.value}", [role])
    case_region = region if where == "same" else other_region
    allowed = action in ALLOWED_IN_OWN_REGION[role] and (where == "same" or role == Role.ADMIN)
    if allowed:
        assert policy.check(user, action, region_id=case_region.pk, office="市本级") is None
    else:
        with pytest.raises(policy.NotAllowed) as refused:
            policy.check(user, action, region_id=case_region.pk, office="市本级")
        assert str(refused.value).startswith("您无权")


def test_a_person_views_only_their_own_case_or_one_they_act_for(region, make_person):
    owner = make_person().user
    other = make_person(OTHER_PERSON_ID, "李四").user
    policy.check(owner, "view", region_id=region.pk, applicant_user_id=owner.pk)
    policy.check(other, "view", region_id=region.pk, applicant_user_id=owner.pk, agent_user_id=other.pk)
    with pytest.raises(policy.NotAllowed, match="只有申请人本人、其代理人或经办工作人员"):
        policy.check(other, "view", region_id=region.pk, applicant_user_id=owner.pk)
    with pytest.raises(policy.NotAllowed):
        policy.check(other, "view", region_id=region.pk, applicant_user_id=owner.pk, agent_user_id=None)
    # Being the applicant opens nothing but viewing.
    with pytest.raises(policy.NotAllowed):
        policy.check(owner, "accept", region_id=region.pk, applicant_user_id=owner.pk)


def test_anonymous_inactive_and_unknown_are_refused(region, make_staff, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(policy.NotAllowed, match="请先登录"):
        policy.check(AnonymousUser(), "view", region_id=region.pk, applicant_user_id=None)
    clerk = make_staff("clerk", [Role.CLERK])
    profile = clerk.staff_profile
    profile.active = False
    profile.save(update_fields=["active"])
    with pytest.raises(policy.NotAllowed):
        policy.check(clerk, "accept", region_id=region.pk)
    assert policy.staff_profile(clerk) is None and not policy.has_role(clerk, Role.CLERK)
    admin = make_staff("root", [Role.ADMIN])
    with pytest.raises(policy.NotAllowed, match="未知的操作"):
        policy.check(admin, "delete_everything", region_id=region.pk)
    no_profile = django_user_model.objects.create_user("plain", password=PASSWORD)
    with pytest.raises(policy.NotAllowed):
        policy.check(no_profile, "view", region_id=region.pk)


def test_has_role_and_staff_profile(region, make_staff, make_person):
    both = make_staff("both", [Role.CLERK, Role.REVIEWER])
    assert policy.has_role(both, Role.CLERK) and policy.has_role(both, Role.REVIEWER)
    assert not policy.has_role(both, Role.PAYER)
    assert policy.staff_profile(both).region == region
    person = make_person().user
    assert policy.staff_profile(person) is None and not policy.has_role(person, Role.CLERK)
    # create_staff returns the profile; policy takes it in place of its user.
    profile = actions.create_staff("payer", PASSWORD, region, "通川区", [Role.PAYER])
    policy.check(profile, "pay", region_id=region.pk)
