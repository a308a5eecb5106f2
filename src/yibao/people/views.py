"""Login, logout and registration pages. They parse and call one action; no rule lives here."""
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from yibao.core.models import Channel
from yibao.people import actions
from yibao.people.forms import LoginForm, RegisterForm
from yibao.people.identity import InvalidIdentity, InvalidPhone
from yibao.people.throttle import client_ip

# The same answer whether the number was new or already had an account (no one learns which).
REGISTERED = ("注册申请已处理：如该证件号码此前未注册，账户已开通，请用证件号码和刚设置的密码登录；"
              "如此前已注册，请用原密码登录，忘记密码请携带证件到经办窗口办理。")


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "people/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # Staff work in the workbench; a safe ?next= still wins (get_success_url checks it first).
        if hasattr(self.request.user, "staff_profile"):
            return "/workbench/"
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    # POST only (Django's own rule): a link or an image cannot log anyone out.
    next_page = "/"


@sensitive_post_parameters("password", "password2")
@csrf_protect
def register(request):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.register_from(
                client_ip(request), data["kind"], data["id_type"], data["id_number"], data["name"], data["phone"],
                data["password"], region=data["region"], channel=Channel.PORTAL,
            )  # fmt: skip
        except actions.AlreadyRegistered:
            pass  # answered exactly as a new account: the page must not tell who has an account
        except (InvalidIdentity, InvalidPhone, actions.RegistrationRefused) as exc:
            field = getattr(exc, "field", None)
            form.add_error(field if field in form.fields else None, str(exc))
            return render(request, "people/register.html", {"form": form})
        messages.success(request, REGISTERED)
        return redirect("people:login")
    return render(request, "people/register.html", {"form": form})
