"""Who may open the workbench and which cases they see: active staff, and only their region's cases.

A case of another region answers 404, the same as a case that does not exist: a clerk learns
nothing about other regions by guessing receipt numbers.
"""
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render

from yibao.cases.models import Case
from yibao.people import policy

NOT_STAFF = "工作台仅供在岗的经办工作人员使用。如您是申请人，请通过网上办事大厅办理和查询。"


def forbidden(request, message):
    return render(request, "workbench/forbidden.html", {"message": message}, status=403)


def staff_required(view):
    """Log in first; then only active staff. Sets request.staff to the StaffProfile."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        profile = policy.staff_profile(request.user)
        if profile is None:
            return forbidden(request, NOT_STAFF)
        request.staff = profile
        return view(request, *args, **kwargs)

    return wrapped


def may(user, action, *, region_id, office=""):
    """Does people.policy let `user` take `action` (a policy action name) in this region?"""
    try:
        policy.check(user, action, region_id=region_id, office=office)
    except policy.NotAllowed:
        return False
    return True


def case_for(request, receipt_no):
    """The case with this receipt number if the staff member may see it; 404 otherwise."""
    case = Case.objects.select_related("applicant", "agent", "region").filter(receipt_no=receipt_no).first()
    if case is None or not may(request.user, "view", region_id=case.region_id):
        raise Http404("未找到该办件")
    return case
