"""Opening a petition, signing it with a confirmed address, and its public pages."""

import re
import time
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from petitions.lifecycle import Status
from petitions.models import Case, Kind
from portal.errors import DomainError
from signatures.models import Petition, Signature
from signatures.services import petition_open, signature_confirm, signature_start
from tests.factories import CaseFactory
from tests.signatures.conftest import confirmation_tokens, publish

pytestmark = pytest.mark.django_db


def detail_url(petition):
    return reverse("signatures:detail", args=[petition.case.tracking_number])


def sign(client, petition, *, name="Wang Fang", email="wang.fang@example.org", **extra):
    return client.post(detail_url(petition), {"name": name, "email": email}, **extra)


def test_moderators_approval_opens_the_petition_with_the_default_thresholds_and_period(petition_case, moderator):
    before = timezone.now()
    petition = publish(petition_case, moderator)
    assert (petition.response_threshold, petition.hearing_threshold) == (1000, 10000)
    assert petition.opened_by == moderator
    assert before + timedelta(days=180) <= petition.closes_at <= timezone.now() + timedelta(days=180)
    # Approving again (or the signal twice) opens nothing more.
    publish(petition_case, moderator)
    assert Petition.objects.count() == 1


def test_publishing_a_case_of_another_kind_opens_no_petition(moderator):
    case = CaseFactory(kind=Kind.COMPLAINT, wants_public=True)
    from publication.signals import case_published

    case_published.send(sender=Case, case=case, by=moderator)
    assert not Petition.objects.exists()


def test_a_private_petition_cannot_gather_signatures(petition_case):
    Case.objects.filter(pk=petition_case.pk).update(wants_public=False)
    with pytest.raises(DomainError):
        petition_open(case_id=petition_case.pk)


def test_a_petition_must_be_public_when_it_is_submitted(client, citizen, category, region):
    client.force_login(citizen)
    response = client.post(reverse("petitions:case_submit"), {
        "kind": "petition", "category": category.pk, "region": region.pk, "urgency": "normal",
        "title": "Open the playground", "body": "Please open the school playground at weekends.",
        "submission_key": str(uuid.uuid4()),
    })
    assert response.status_code == 200
    assert not Case.objects.exists()
    assert "tick this box" in response.content.decode()


def test_signing_sends_a_link_and_only_the_confirmed_signature_counts(client, petition,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign(client, petition, follow=True)
    assert response.status_code == 200
    assert "wang.fang@example.org" in response.content.decode()
    petition.refresh_from_db()
    assert petition.confirmed_count == 0
    [token] = confirmation_tokens("wang.fang@example.org")
    page = client.get(reverse("signatures:confirm", args=[token]))
    assert page.status_code == 200
    petition.refresh_from_db()
    assert petition.confirmed_count == 0, "opening the link (a mail scanner may) does not count yet"
    confirmed = client.post(reverse("signatures:confirm", args=[token]))
    assert confirmed.status_code == 200
    petition.refresh_from_db()
    assert petition.confirmed_count == 1
    # The same link again counts nothing more.
    client.post(reverse("signatures:confirm", args=[token]))
    petition.refresh_from_db()
    assert petition.confirmed_count == 1
    page = client.get(detail_url(petition))
    assert '<strong data-testid="confirmed-count">1</strong>' in page.content.decode()


@pytest.mark.parametrize("variant", [
    "W.A.N.G.Fang@gmail.com", "wangfang+petitions@googlemail.com", "WangFang@GMAIL.com.", "wangfang+x@gmail.com",
])
def test_one_gmail_mailbox_signs_once_whatever_way_it_is_written(petition, variant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = signature_start(petition_id=petition.pk, name="Wang", email="wangfang@gmail.com")
    signature_confirm(token=confirmation_tokens()[0])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = signature_start(petition_id=petition.pk, name="Wang again", email=variant)
    assert again.pk == first.pk
    assert Signature.objects.count() == 1
    assert mail.outbox == [], "a confirmed mailbox is not asked to confirm again"
    petition.refresh_from_db()
    assert petition.confirmed_count == 1


def test_plus_tags_are_removed_for_every_provider_and_idna_domains_match(petition):
    signature_start(petition_id=petition.pk, name="Li", email="li+one@例子.中国")
    again = signature_start(petition_id=petition.pk, name="Li", email="LI+two@xn--fsqu00a.xn--fiqs8s")
    assert Signature.objects.count() == 1
    assert again.email_normalised == "li@xn--fsqu00a.xn--fiqs8s"


def test_an_unconfirmed_signer_who_signs_again_gets_the_link_again(petition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signature_start(petition_id=petition.pk, name="Li", email="li@example.org")
        signature_start(petition_id=petition.pk, name="Li", email="li@example.org")
    assert len(confirmation_tokens("li@example.org")) == 2
    assert Signature.objects.count() == 1


def test_a_closed_petition_takes_no_signature(client, petition):
    Petition.objects.filter(pk=petition.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    response = sign(client, petition)
    assert response.status_code == 400
    assert not Signature.objects.exists()
    assert "closed for signing" in response.content.decode()


def test_a_bad_or_tampered_link_is_refused_clearly(client, petition):
    signature_start(petition_id=petition.pk, name="Li", email="li@example.org")
    response = client.post(reverse("signatures:confirm", args=["not-a-token"]))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    petition.refresh_from_db()
    assert petition.confirmed_count == 0


def test_an_expired_link_is_refused(petition, petition_settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signature_start(petition_id=petition.pk, name="Li", email="li@example.org")
    petition_settings.confirmation_valid_hours = 1
    petition_settings.save()
    [token] = confirmation_tokens()
    later = time.time() + 2 * 3600
    with mock.patch("django.core.signing.time.time", return_value=later), pytest.raises(DomainError) as error:
        signature_confirm(token=token)
    assert "expired" in error.value.message
    petition.refresh_from_db()
    assert petition.confirmed_count == 0


@pytest.mark.parametrize("hours_later, counted", [(71, True), (73, False)])
def test_without_a_settings_row_a_link_stays_valid_for_the_default_72_hours(
        petition, django_capture_on_commit_callbacks, hours_later, counted):
    from signatures.models import PetitionSettings

    with django_capture_on_commit_callbacks(execute=True):
        signature_start(petition_id=petition.pk, name="Li", email="li@example.org")
    PetitionSettings.objects.all().delete()
    [token] = confirmation_tokens()
    with mock.patch("django.core.signing.time.time", return_value=time.time() + hours_later * 3600):
        if counted:
            assert signature_confirm(token=token)[1] is True
        else:
            with pytest.raises(DomainError, match="expired"):
                signature_confirm(token=token)
    petition.refresh_from_db()
    assert petition.confirmed_count == (1 if counted else 0)


def test_a_link_with_a_forged_signature_is_refused_before_its_age(petition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signature_start(petition_id=petition.pk, name="Li", email="li@example.org")
    [token] = confirmation_tokens()
    data, timestamp, _signature = token.rsplit(":", 2)
    with pytest.raises(DomainError, match="not valid"):
        signature_confirm(token=f"{data}:{timestamp}:{'A' * len(_signature)}")


def test_a_petition_taken_off_the_public_side_after_signing_is_not_counted(
        petition, django_capture_on_commit_callbacks):
    from publication.models import Publication, PublicationState

    with django_capture_on_commit_callbacks(execute=True):
        signature_start(petition_id=petition.pk, name="Li", email="li@example.org")
    Case.objects.filter(pk=petition.case_id).update(wants_public=False)
    with pytest.raises(DomainError, match="no longer open"):
        signature_confirm(token=confirmation_tokens()[0])
    Case.objects.filter(pk=petition.case_id).update(wants_public=True)
    Publication.objects.filter(case_id=petition.case_id).update(state=PublicationState.REJECTED)
    with pytest.raises(DomainError, match="no longer open"):
        signature_confirm(token=confirmation_tokens()[0])
    petition.refresh_from_db()
    assert petition.confirmed_count == 0


def test_a_case_that_is_not_an_open_petition_has_no_petition_page(client, petition_case):
    assert client.get(reverse("signatures:detail", args=[petition_case.tracking_number])).status_code == 404
    assert client.get(reverse("signatures:detail", args=["12345"])).status_code == 404


def test_the_petition_page_shows_thresholds_and_closing_date(client, petition):
    page = client.get(detail_url(petition)).content.decode()
    assert "Open the school playground" in page
    assert "3 signatures" in page and "5 signatures" in page
    assert timezone.localtime(petition.closes_at).strftime("%Y-%m-%d") in page
    assert 'name="email"' in page and 'autocomplete="email"' in page


def test_the_list_of_open_petitions_runs_a_fixed_number_of_queries(client, moderator, petition_settings,
                                                                  django_assert_num_queries):
    def add(n):
        for _ in range(n):
            publish(CaseFactory(kind=Kind.PETITION, wants_public=True), moderator)

    add(2)
    with django_assert_num_queries(2) as first:  # the count and the page, cases joined in
        response = client.get(reverse("signatures:list"))
    assert response.status_code == 200
    add(10)
    closed = publish(CaseFactory(kind=Kind.PETITION, wants_public=True, title="Long closed"), moderator)
    Petition.objects.filter(pk=closed.pk).update(closes_at=timezone.now() - timedelta(days=1))
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("signatures:list"))
    page = response.content.decode()
    assert len(re.findall(r'href="/petitions/\d{6}-', page)) == 12
    assert "Long closed" not in page


@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.REJECTED, Status.MERGED])
def test_a_petition_whose_case_ended_leaves_the_public_side(client, petition, status):
    Case.objects.filter(pk=petition.case_id).update(status=status)
    assert client.get(detail_url(petition)).status_code == 404
    assert "Open the school playground" not in client.get(reverse("signatures:list")).content.decode()


def test_a_petition_without_a_moderators_publication_is_not_public(client, petition_case, moderator,
                                                                   petition_settings):
    from publication.signals import case_published
    from signatures.selectors import public_text

    Case.objects.filter(pk=petition_case.pk).update(body="Call me on 13812345678")
    case_published.send(sender=Case, case=petition_case, by=moderator)  # no Publication row
    petition = Petition.objects.get(case=petition_case)
    assert client.get(detail_url(petition)).status_code == 404
    assert "Open the school playground" not in client.get(reverse("signatures:list")).content.decode()
    # Nothing of the raw case reaches the public text, not even by another path.
    text = public_text(Petition.objects.select_related("case").get(pk=petition.pk))
    assert (text.title, text.body, text.answer) == ("", "", "")
    with pytest.raises(DomainError):
        signature_start(petition_id=petition.pk, name="Wang Fang", email="wang.fang@example.org")


def test_a_petition_taken_off_the_public_side_gains_no_signature_or_confirmation(petition, moderator):
    from publication.models import PublicationRejectionReason
    from publication.services import publication_reject
    from signatures.services import confirmation_token

    signature = signature_start(petition_id=petition.pk, name="Wang Fang", email="wang.fang@example.org")
    token = confirmation_token(signature)
    reason = PublicationRejectionReason.objects.filter(is_active=True).first()
    publication_reject(actor=moderator, case_id=petition.case_id, reason=reason)
    with pytest.raises(DomainError, match="no longer open"):
        signature_confirm(token=token)
    with pytest.raises(DomainError, match="no longer open"):
        signature_start(petition_id=petition.pk, name="Li Lei", email="li.lei@example.org")
    petition.refresh_from_db()
    assert petition.confirmed_count == 0


def test_the_confirmation_email_does_not_repeat_the_name_the_signer_typed(petition, django_capture_on_commit_callbacks):
    lure = "Your account is suspended, call 400-000-0000 at once"
    with django_capture_on_commit_callbacks(execute=True):
        signature_start(petition_id=petition.pk, name=lure, email="victim@example.org")
    (message,) = mail.outbox
    assert message.to == ["victim@example.org"]
    assert lure not in message.body and "400-000-0000" not in message.subject + message.body
    assert confirmation_tokens("victim@example.org")


def test_confirming_shows_the_count_it_raised(client, petition):
    from signatures.services import confirmation_token

    first, second = (confirmation_token(signature_start(petition_id=petition.pk, name="Wang",
                                                        email=f"wang{n}@example.org")) for n in range(2))
    client.post(reverse("signatures:confirm", args=[first]))
    response = client.post(reverse("signatures:confirm", args=[second]))
    assert response.status_code == 200 and Petition.objects.get().confirmed_count == 2
    assert "2 confirmed signatures" in response.content.decode()


def test_a_signature_invalidated_after_its_link_was_read_is_not_counted(petition, supervisor, monkeypatch):
    """The signature was read unlocked; if the supervisors invalidate it
    before the count is raised, the raised count is rolled back."""
    from signatures import services
    from signatures.selectors import SignatureCriteria

    token = services.confirmation_token(signature_start(petition_id=petition.pk, name="Bot", email="bot@example.net"))
    real = services._require_open

    def invalidated_meanwhile(petition, now, **kwargs):
        real(petition, now, **kwargs)
        services.signatures_invalidate(actor=supervisor, criteria=SignatureCriteria(email_domain="example.net"),
                                       reason="bots")

    monkeypatch.setattr(services, "_require_open", invalidated_meanwhile)
    with pytest.raises(DomainError, match="withdrawn"):
        signature_confirm(token=token)
    petition.refresh_from_db()
    assert petition.confirmed_count == 0
    assert Signature.objects.get().confirmed_at is None


def test_a_link_opened_twice_at_once_is_counted_once(petition, monkeypatch):
    """Both clicks read the signature unconfirmed; the one that locks the
    petition second finds it confirmed and counts nothing."""
    from signatures import services

    token = services.confirmation_token(signature_start(petition_id=petition.pk, name="Wang", email="w@example.org"))
    real = services._require_open

    def the_other_click_wins_meanwhile(petition, now, **kwargs):
        real(petition, now, **kwargs)
        monkeypatch.setattr(services, "_require_open", real)
        assert services.signature_confirm(token=token)[1]

    monkeypatch.setattr(services, "_require_open", the_other_click_wins_meanwhile)
    signature, counted = signature_confirm(token=token)
    assert not counted and signature.confirmed_at is not None
    petition.refresh_from_db()
    assert petition.confirmed_count == 1
