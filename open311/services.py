"""Writes for Open311: a service request becomes a case through the same
service as every other submission (petitions.services.case_submit), so it
is numbered, supervised and routed like any case."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from open311.models import ApiKey, Datatype, ServiceRequest
from open311.params import NewRequest
from petitions.models import Case, Channel
from petitions.services import case_submit

TITLE_MAX = 120  # Case.title


def service_request_create(*, api_key, category, data: NewRequest, service_settings) -> tuple[Case, ServiceRequest]:
    """Record the request as a case sent through the API, entered by the
    key's system account. Routing is enqueued by case_submit once the
    transaction commits.

    The citizen is not linked to an account by the e-mail address the
    client sent: a third-party application's unverified address must not
    put a case into someone's "My cases". They follow it by tracking number
    and e-mail, like anyone who files without an account."""
    service_name = category.display_name
    description = data.description
    with transaction.atomic():
        case, _created = case_submit(
            actor=None,
            recorded_by=api_key.user,
            channel=Channel.API,
            kind=service_settings.case_kind,
            category=category,
            region=api_key.region,
            title=_title(description, service_name),
            body=_body(description, service_name, data, category.open311_attributes),
            address=data.address_string,
            latitude=data.lat, longitude=data.long,
            contact_email=data.email,
            contact_phone=data.phone,
            contact_name=" ".join(part for part in (data.first_name, data.last_name) if part),
            wants_public=api_key.cases_public,
        )
        extras = ServiceRequest.objects.create(
            case=case, api_key=api_key, token=secrets.token_urlsafe(24), lat=data.lat, long=data.long,
            address_id=data.address_id, media_url=data.media_url, device_id=data.device_id,
            account_id=data.account_id, attributes=data.attributes,
        )
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    return case, extras


def _title(description: str, service_name: str) -> str:
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    return Truncator(first_line or service_name).chars(TITLE_MAX)


def _body(description: str, service_name: str, data: NewRequest, attributes) -> str:
    """The citizen's description, then what the client sent besides, so the
    department sees it on the case page: the answers to the service's
    questions, the coordinates and the media link."""
    lines = []
    for attribute in attributes:
        answer = data.attributes.get(attribute.code)
        if answer is None:
            continue
        if attribute.datatype in (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST):
            names = {value.key: value.name for value in attribute.values.all()}
            keys = answer if isinstance(answer, list) else [answer]
            answer = ", ".join(names.get(key, key) for key in keys)
        lines.append(f"{attribute.description}: {answer}")
    if data.lat is not None:
        lines.append(_("Location (WGS84): %(lat)s, %(long)s") % {"lat": data.lat, "long": data.long})
    if data.address_id:
        lines.append(_("Address id: %(id)s") % {"id": data.address_id})
    if data.media_url:
        lines.append(_("Media: %(url)s") % {"url": data.media_url})
    body = description or service_name
    if lines:
        body += "\n\n" + _("Sent through Open311:") + "\n" + "\n".join(lines)
    return body
