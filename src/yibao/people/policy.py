"""Who may do what, where. One table of actions and the roles that may take them, the case verbs
taken from the verb table (people.verbs).

The pooling region (统筹地区) is the boundary: staff act only in their own region, any office of it
(市域通办); the admin role acts everywhere. Rules that need a case's history (the payer is never
the reviewer of the same case) belong to the case engine.
"""
from django.core.exceptions import ObjectDoesNotExist

from yibao.people.models import Authorisation, Role, StaffProfile
from yibao.people.verbs import VERBS


class NotAllowed(PermissionError):
    """The user may not take this action here."""


# action -> (its name in messages, the roles that may take it): the case verbs from the verb table
# (people.verbs), and the permissions that are not verbs. `view` is also open to the applicant and
# the agent of the case.
ACTIONS = {
    "view": ("查看办件", set(Role.values)),
    **{verb.name: (verb.label, set(verb.roles)) for verb in VERBS if not verb.permission},
    "follow_up": ("差评整改回访", {Role.SUPERVISOR}),
    "dashboard": ("查看统计", {Role.SUPERVISOR}),
    "administer": ("系统管理", set()),
}


def _user(user_or_profile):
    # Accept the StaffProfile that create_staff returns as well as its user.
    return user_or_profile.user if isinstance(user_or_profile, StaffProfile) else user_or_profile


def staff_profile(user):
    """The user's staff profile if the user is active staff, else None."""
    user = _user(user)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        profile = user.staff_profile  # cached on the user instance by Django
    except ObjectDoesNotExist:
        return None
    return profile if profile.active else None


def has_role(user, role):
    profile = staff_profile(user)
    return profile is not None and role in profile.roles


def check(user, action, *, region_id, office="", applicant_user_id=None, agent_user_id=None):
    """Return None if `user` may take `action` on a case of `region_id`; raise NotAllowed otherwise."""
    authorise(user, action, region_id=region_id, office=office, applicant_user_id=applicant_user_id,
              agent_user_id=agent_user_id)


def authorise(user, action, *, region_id, office="", applicant_user_id=None, agent_user_id=None):
    """check(), answering with the acting staff member's profile (None for the applicant or agent
    viewing their own case): a caller that needs it again (the role and office an action records)
    uses this one, so the profile is resolved once per action.

    `office` names where the case is handled; it is quoted in the message and does not narrow
    the region (any office of a region may act on the region's cases)."""
    if action not in ACTIONS:
        raise NotAllowed(f"未知的操作：{action}")
    label, roles = ACTIONS[action]
    user = _user(user)
    if user is None or not user.is_authenticated:
        raise NotAllowed("请先登录")
    if action == "view" and user.pk is not None and user.pk in (applicant_user_id, agent_user_id):
        return None
    profile = staff_profile(user)
    if profile is None:
        raise NotAllowed(f"您无权{label}：只有申请人本人、其代理人或经办工作人员可以操作")
    if Role.ADMIN in profile.roles:
        return profile
    if profile.region_id != region_id:
        raise NotAllowed(f"您无权{label}：该办件不属于您所在的{profile.region.name}")
    if not roles.intersection(profile.roles):
        needed = "或".join(Role(r).label for r in sorted(roles)) or Role.ADMIN.label
        where = f"（{office}）" if office else ""
        raise NotAllowed(f"您无权{label}{where}：需要“{needed}”角色")
    return profile


def authorised(principal, agent):
    """True when `principal` has authorised `agent` (both Applicants) online and not withdrawn it."""
    return Authorisation.objects.filter(principal=principal, agent=agent, revoked_at=None).exists()
