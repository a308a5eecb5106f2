"""Login, logout and registration pages. They parse and call one action; no rule lives here."""
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from yibao.core.models import Channel
from yibao.people import actions
from yibao.people.forms import LoginForm, RegisterForm
from yibao.people.identity import InvalidIdentity, InvalidPhone


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "people/login.html"
    redirect_authenticated_user = True


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
            applicant = actions.register_applicant(
                data["kind"], data["id_type"], data["id_number"], data["name"], data["phone"], data["password"],
                region=data["region"], channel=Channel.PORTAL,
            )  # fmt: skip
        except (InvalidIdentity, InvalidPhone, actions.RegistrationRefused) as exc:
            field = getattr(exc, "field", None)
            form.add_error(field if field in form.fields else None, str(exc))
        else:
            login(request, applicant.user, backend="yibao.people.backends.ApplicantBackend")
            messages.success(request, f"注册成功，欢迎您，{applicant.name}。今后请用证件号码和密码登录。")
            return redirect("/")
    return render(request, "people/register.html", {"form": form})
