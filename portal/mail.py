"""E-mail written from templates in the recipient's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_mail(*, to: str, template: str, context: dict, language: str) -> None:
    """Renders templates/email/<template>_subject.txt and _body.txt."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(language):
        subject = render_to_string(f"email/{template}_subject.txt", context).strip()
        body = render_to_string(f"email/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
