"""The page where a person makes and revokes their own API tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api.selectors import tokens_of
from api.services import token_create, token_revoke
from portal.errors import DomainError
from twofactor.policy import awaits_two_factor


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the new token"), max_length=100,
                           help_text=gettext_lazy("What the token is for, e.g. the program that uses it."))


@never_cache  # the page shows a new token once
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    # A token outlives the session that makes it: never from one that has
    # not passed two-factor, even were the middleware's gate to let it by.
    if awaits_two_factor(request.user):
        raise PermissionDenied
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_key = token_create(actor=request.user, user=request.user, name=form.cleaned_data["name"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            form = TokenForm()
    return render(request, "api/tokens.html", {
        "form": form, "tokens": tokens_of(request.user), "new_key": new_key,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke_view(request, token_id: int):
    if not tokens_of(request.user).filter(pk=token_id).exists():
        raise Http404("No token found")
    token = token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, _("The token “%(name)s” was revoked; programs using it are refused from now on.")
                     % {"name": token.name})
    return redirect("api_pages:tokens")
