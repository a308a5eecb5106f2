"""授权委托 on the public site: a person, in their own account, lets another registered account
apply online in their name (帮办代办), and withdraws it. The views parse and call one action."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yibao.core.masking import mask_id_number, mask_name
from yibao.core.models import Channel
from yibao.people import actions
from yibao.portal.forms import AuthorisationForm


def _principal(user):
    try:
        return user.applicant
    except ObjectDoesNotExist:
        raise Http404("只有申请人账户可以授权代理人") from None


@login_required
def authorisations(request):
    principal = _principal(request.user)
    form = AuthorisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.grant_authorisation(principal, form.cleaned_data["agent_id_number"], channel=Channel.PORTAL)
        except actions.AuthorisationRefused as exc:
            form.add_error("agent_id_number", str(exc))
        else:
            messages.success(request, "已授权：该代理人现在可以代您网上申请，您可随时撤销")
            return redirect("portal:authorisations")
    rows = [{"name": mask_name(a.agent.name), "id": mask_id_number(a.agent.id_number), "pk": a.pk,
             "granted_at": a.granted_at}
            for a in principal.authorisations_given.filter(revoked_at=None).select_related("agent")]
    return render(request, "portal/authorisations.html", {"form": form, "rows": rows},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def revoke(request, pk):
    principal = _principal(request.user)
    granted = principal.authorisations_given.filter(pk=pk, revoked_at=None).select_related("agent").first()
    if granted is None:
        raise Http404("未找到该授权")
    actions.revoke_authorisation(principal, granted.agent.id_number, channel=Channel.PORTAL)
    messages.success(request, "已撤销授权")
    return redirect("portal:authorisations")
