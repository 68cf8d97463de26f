"""Forgotten passwords are reset by an e-mailed link (Django's own views);
the answer is the same whether or not the address has an account, and a
reset ends every session of the account. Logged in, a password is changed
on its own page."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from api.models import ApiToken
from petitions.models import Channel
from tests.accounts.support import NEW_PASSWORD, committed, links_in, log_in, mails_to, register
from tests.factories import PASSWORD, CaseFactory, UserFactory

pytestmark = pytest.mark.django_db
RESET = reverse("accounts:password_reset")


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def ask_reset(capture, client, email, **extra):
    return committed(capture, client, RESET, {"email": email}, **extra)


def reset_link(email) -> str:
    [message] = mails_to(email)
    return next(link for link in links_in(message) if link.startswith(RESET) and link != RESET)


def set_new_password(client, link, password="brand-new-pass-phrase-9"):
    form_page = client.get(link, follow=True)  # Django moves the token into the session first
    assert form_page.status_code == 200 and 'name="new_password1"' in form_page.content.decode()
    return client.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


@pytest.fixture(params=["the portal's", "Django's own"])
def session_machinery(request, settings):
    """The session store and authentication backend of the settings, and
    Django's own (cached_db sessions, ModelBackend): either way sessions end
    by Django's session hash of the password."""
    if request.param == "Django's own":
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
        settings.AUTHENTICATION_BACKENDS = [settings.AUTHENTICATION_BACKENDS[0],
                                            "django.contrib.auth.backends.ModelBackend"]
    return request.param


def is_logged_in(client) -> bool:
    return client.get(reverse("petitions:my_cases")).status_code == 200


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_forgotten_password_is_reset_by_the_link_in_the_e_mail(capture, client, citizen, language):
    page = client.get(RESET, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert ("忘记密码" if language == "zh-hans" else "Forgot your password?") in page
    response = ask_reset(capture, client, citizen.email.upper(), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    [message] = mails_to(citizen.email)
    assert message.subject == ("重置您的问政密码" if language == "zh-hans" else "Reset your Wenzheng password")

    done = set_new_password(client, reset_link(citizen.email))
    assert done.status_code == 302 and done["Location"] == reverse("accounts:password_reset_complete")
    citizen.refresh_from_db()
    assert citizen.check_password("brand-new-pass-phrase-9") and not citizen.check_password(PASSWORD)
    log_in(Client(), citizen.email, "brand-new-pass-phrase-9")
    # The link works once.
    again = client.get(reset_link(citizen.email), follow=True)
    assert 'name="new_password1"' not in again.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_address_without_an_account_gets_the_same_answer(capture, client, citizen, language):
    known = ask_reset(capture, client, citizen.email, HTTP_ACCEPT_LANGUAGE=language)
    unknown = ask_reset(capture, client, "no.account@example.org", HTTP_ACCEPT_LANGUAGE=language)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [message.to for message in mail.outbox] == [[citizen.email]]


def test_the_e_mail_is_sent_by_the_worker_for_a_known_and_an_unknown_address_alike(capture, client, citizen,
                                                                                   monkeypatch):
    """The request does the same work either way, so its time tells nothing."""
    from accounts import tasks

    queued = []
    monkeypatch.setattr(tasks.email_password_reset, "delay", lambda *args: queued.append(args))
    ask_reset(capture, client, citizen.email, HTTP_ACCEPT_LANGUAGE="en")
    ask_reset(capture, client, "no.account@example.org", HTTP_ACCEPT_LANGUAGE="en")
    assert queued == [(citizen.email, "en"), ("no.account@example.org", "en")]
    assert mail.outbox == []


def test_a_reset_ends_every_session_of_the_account(capture, citizen, session_machinery):
    laptop, phone, stranger = Client(), Client(), Client()
    log_in(laptop, citizen.email, PASSWORD)
    log_in(phone, citizen.email, PASSWORD)
    other = UserFactory()
    log_in(stranger, other.email, PASSWORD)
    assert is_logged_in(laptop) and is_logged_in(phone)

    ask_reset(capture, Client(), citizen.email)
    set_new_password(Client(), reset_link(citizen.email))

    for client in (laptop, phone):
        response = client.get(reverse("petitions:my_cases"))
        assert response.status_code == 302 and response.wsgi_request.user.is_anonymous
    assert is_logged_in(stranger)  # other accounts are untouched


def test_a_reset_revokes_the_account_s_api_tokens(capture, client, citizen):
    from api.services import token_create

    _token, key = token_create(actor=citizen, user=citizen, name="my script")
    assert client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    ask_reset(capture, client, citizen.email)
    set_new_password(client, reset_link(citizen.email))
    assert ApiToken.objects.get().revoked
    assert client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_the_owner_of_a_squatted_address_takes_the_account_over_by_a_reset(capture, client, operator):
    """Someone registered the owner's address with their own password: the
    owner resets it from the mailbox, which confirms the address; the
    squatter is logged out, and only then are the owner's recorded cases
    linked."""
    squatter = Client()
    register(capture, squatter, "owner@example.org", password="the-squatters-pass-99")
    log_in(squatter, "owner@example.org", "the-squatters-pass-99")
    recorded = CaseFactory(citizen=None, channel=Channel.PHONE, recorded_by=operator, contact_email="owner@example.org",
                           title="家门口路灯坏了")
    mail.outbox.clear()

    ask_reset(capture, client, "owner@example.org")
    set_new_password(client, reset_link("owner@example.org"))

    account = User.objects.get(email="owner@example.org")
    assert account.email_confirmed
    recorded.refresh_from_db()
    assert recorded.citizen == account
    assert not is_logged_in(squatter)
    log_in(client, "owner@example.org", "brand-new-pass-phrase-9")
    assert "家门口路灯坏了" in client.get(reverse("petitions:my_cases")).content.decode()


def test_a_reset_lifts_the_account_s_login_lockout(capture, client, citizen, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": citizen.email, "password": "wrong"})
    assert client.post(reverse("accounts:login"), {"username": citizen.email, "password": PASSWORD}).status_code == 429
    ask_reset(capture, client, citizen.email)
    set_new_password(client, reset_link(citizen.email))
    log_in(client, citizen.email, "brand-new-pass-phrase-9")


@pytest.mark.parametrize("language, words", [("zh-hans", "尝试次数过多"), ("en", "Too many attempts")])
def test_reset_requests_are_limited_per_client(capture, client, settings, language, words):
    settings.ACCOUNT_MAIL_RATE_PER_CLIENT = "3/h"
    codes = [ask_reset(capture, client, f"p{n}@example.org", HTTP_ACCEPT_LANGUAGE=language).status_code
             for n in range(4)]
    assert codes == [302, 302, 302, 429]
    response = ask_reset(capture, client, "p9@example.org", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 429 and words in response.content.decode() and response["Retry-After"]


def test_reset_requests_for_one_address_are_limited_with_its_registrations(capture, client, citizen, settings):
    """One count per address across the forms that e-mail it, whoever asks."""
    settings.ACCOUNT_MAIL_RATE_PER_ADDRESS = "3/h"
    register(capture, client, citizen.email, REMOTE_ADDR="10.0.0.1")
    codes = [ask_reset(capture, client, citizen.email, REMOTE_ADDR=f"10.0.1.{n}").status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert len(mails_to(citizen.email)) == 3


def test_a_password_is_changed_logged_in_and_the_other_sessions_end(citizen, session_machinery):
    here, elsewhere = Client(), Client()
    log_in(here, citizen.email, PASSWORD)
    log_in(elsewhere, citizen.email, PASSWORD)
    assert reverse("accounts:password_change") in here.get("/").content.decode()  # the account menu

    page = here.get(reverse("accounts:password_change"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Change password" in page
    wrong = here.post(reverse("accounts:password_change"), {
        "old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 200
    response = here.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change_done")

    assert is_logged_in(here)
    assert not is_logged_in(elsewhere)
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)


def test_the_password_change_page_needs_a_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
