"""First-run setup: create the administrator account with the console's setup code; and
the favicon that browsers ask for before reading any page."""

from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_http_methods

from articles.forms import SetupForm
from articles.models import SetupCode


@login_not_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    users = get_user_model().objects
    if users.exists():
        return redirect("login")
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Lock the codes so two simultaneous submissions cannot both create an admin.
            list(SetupCode.objects.select_for_update())
            if users.exists():
                return redirect("login")
            if SetupCode.verify(form.cleaned_data["setup_code"]):
                user = users.create_superuser(
                    username=form.cleaned_data["username"],
                    email=form.cleaned_data.get("email") or "",
                    password=form.cleaned_data["password1"],
                )
                SetupCode.objects.all().delete()
                login(request, user)
                return redirect("library")
        form.add_error("setup_code", SetupForm.WRONG_CODE)  # replaced since it was checked
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/setup.html", {"form": form}, status=status)


@login_not_required
@require_http_methods(["GET", "HEAD"])
def favicon(request: HttpRequest) -> HttpResponse:  # noqa: ARG001 - a view's signature
    """Browsers ask for /favicon.ico before reading the page's icon link; send them on."""
    return redirect(static("favicon.svg"), permanent=True)
