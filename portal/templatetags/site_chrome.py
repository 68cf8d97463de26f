"""The page header and footer of base.html, rendered once per language for
visitors who are not logged in.

For them the header is the same on every page but for the form token (CSRF,
masked anew for each answer) and the current address (the language form's
"next"): it is rendered with stand-ins for those two, kept in the process,
and each answer gets the stand-ins replaced by its own. Rendering it took
about half the CPU of a page such as the signature confirmation (ten URL
reversals and seventeen translated strings, and `{% extends %}` walking
them all for blocks on every render).

Inside `{% anonymous_fragment %}`, the template sees only `user`,
`LANGUAGE_CODE`, `csrf_token` and `current_path` (the request's full path,
escaped when shown): anything else would be fixed at its first rendering,
so it is left out for anonymous visitors alike (a test compares the kept
rendering with a fresh one). Logged-in users get a fresh rendering, with the
whole context, every time. The kept renderings are keyed on the language,
the script prefix and the URL configuration, and dropped when settings
change (tests)."""

from django import template
from django.core.signals import setting_changed
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# Neither autoescaping nor a URL or a form token can produce these.
CSRF_STAND_IN = "\x00csrf\x00"
PATH_STAND_IN = "\x00path\x00"

_generation = 0


def _settings_changed(**_kwargs) -> None:
    global _generation
    _generation += 1


setting_changed.connect(_settings_changed, dispatch_uid="portal.site_chrome.settings")


class AnonymousFragmentNode(template.Node):
    # Not "nodelist": `{% extends %}` walks every node's child_nodelists
    # looking for blocks on each render; there are none in here (the parser
    # refuses them), so it need not walk the header.
    child_nodelists = ()

    def __init__(self, fragment):
        self.fragment = fragment
        self.kept: dict = {}
        self.generation = _generation

    def render(self, context):
        request = context.get("request")
        current_path = request.get_full_path() if request is not None else ""
        token = self.keepable_token(context)
        if token is None:
            with context.push(current_path=current_path):
                return self.fragment.render(context)
        if self.generation != _generation:
            self.kept, self.generation = {}, _generation
        language = context.get("LANGUAGE_CODE")
        key = (language, get_language(), get_script_prefix(), get_urlconf())
        kept = self.kept.get(key)
        if kept is None:
            kept = self.kept[key] = str(self.fragment.render(context.new({
                "user": context.get("user"), "LANGUAGE_CODE": language, "csrf_token": CSRF_STAND_IN,
                "current_path": PATH_STAND_IN,
            })))
        return mark_safe(kept.replace(CSRF_STAND_IN, escape(token)).replace(PATH_STAND_IN, escape(current_path)))

    @staticmethod
    def keepable_token(context) -> str | None:
        """The answer's form token if the rendering may be kept (a visitor
        not logged in, a request with CSRF protection); otherwise None."""
        user, token = context.get("user"), context.get("csrf_token")
        if context.get("request") is None or user is None or user.is_authenticated or token is None:
            return None
        token = str(token)
        return None if token == "NOTPROVIDED" else token


@register.tag
def anonymous_fragment(parser, token):
    """{% anonymous_fragment %}...{% endanonymous_fragment %}: see the module."""
    fragment = parser.parse(("endanonymous_fragment",))
    parser.delete_first_token()
    if fragment.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("{% anonymous_fragment %} cannot hold a {% block %}")
    return AnonymousFragmentNode(fragment)
