"""The site's own notices, linked from every page's footer: contact, privacy,
accessibility and terms. Their long texts are written per language
(templates/pages/NAME.LANGUAGE.html) rather than sentence by sentence."""

from django.shortcuts import render
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

PAGES = {
    "contact": _("Contact"),
    "privacy": _("Privacy notice"),
    "accessibility": _("Accessibility statement"),
    "terms": _("Terms of use"),
}


def _page(name):
    @require_GET
    def view(request):
        language = "zh-hans" if (get_language() or "").startswith("zh") else "en"
        return render(request, "pages/page.html", {"title": PAGES[name], "text": f"pages/{name}.{language}.html"})
    view.__name__ = name
    return view


app_name = "pages"
urlpatterns = [path(f"{name}/", _page(name), name=name) for name in PAGES]
