"""Flood limits on signing and submitting, and supervisors' bulk invalidation."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.models import Case
from signatures.models import Petition, PetitionSettings, Signature, SignatureInvalidation
from signatures.services import signature_confirm, signature_start
from tests.signatures.conftest import confirmation_tokens

pytestmark = pytest.mark.django_db


def detail_url(petition):
    return reverse("signatures:detail", args=[petition.case.tracking_number])


def set_rates(**rates):
    config = PetitionSettings.load()
    for name, value in rates.items():
        setattr(config, name, value)
    config.save()


def test_signing_over_the_address_limit_gets_a_translated_429_with_retry_after(client, petition):
    set_rates(sign_rate_per_address="3/h")
    for n in range(3):
        response = client.post(detail_url(petition), {"name": "Bot", "email": f"bot{n}@example.org"},
                               REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 302
    response = client.post(detail_url(petition), {"name": "Bot", "email": "bot9@example.org"},
                           REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Too many signatures or cases came from your network address" in response.content.decode()
    assert Signature.objects.count() == 3
    # Another address is not held back by this one.
    other = client.post(detail_url(petition), {"name": "Human", "email": "human@example.org"},
                        REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302
    # The page speaks the visitor's language.
    zh = client.post(detail_url(petition), {"name": "Bot", "email": "bot10@example.org"},
                     REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 429 and 'lang="zh-hans"' in zh.content.decode()


def test_signing_over_the_domain_limit_is_refused_from_any_address(client, petition):
    set_rates(sign_rate_per_domain="2/h")
    codes = [client.post(detail_url(petition), {"name": "Bot", "email": f"bot{n}@throwaway.test"},
                         REMOTE_ADDR=f"203.0.113.{n}").status_code for n in range(4)]
    assert codes == [302, 302, 429, 429]
    response = client.post(detail_url(petition), {"name": "Bot", "email": "bot@throwaway.test"},
                           REMOTE_ADDR="198.51.100.1")
    assert "at this e-mail domain" in response.content.decode()
    # A large provider shared by many honest people has no per-domain limit.
    codes = [client.post(detail_url(petition), {"name": "P", "email": f"p{n}@qq.com"},
                         REMOTE_ADDR=f"192.0.2.{n}").status_code for n in range(4)]
    assert codes == [302] * 4


def test_submitting_cases_is_limited_per_address(client, citizen, category, region):
    set_rates(submit_rate_per_address="2/h")
    client.force_login(citizen)

    def submit():
        return client.post(reverse("petitions:case_submit"), {
            "kind": "complaint", "category": category.pk, "region": region.pk, "urgency": "normal",
            "title": "Noise at night", "body": "Construction goes on after midnight.",
            "submission_key": str(uuid.uuid4()),
        }, REMOTE_ADDR="203.0.113.50")

    assert [submit().status_code for _ in range(2)] == [302, 302]
    refused = submit()
    assert refused.status_code == 429 and refused["Retry-After"]
    assert Case.objects.count() == 2


# --- bulk invalidation -----------------------------------------------------------------


@pytest.fixture
def flood(petition, django_capture_on_commit_callbacks):
    """Six confirmed signatures and one unconfirmed: three from one address,
    two from a throwaway domain, one honest, all at known times."""
    now = timezone.now()
    Petition.objects.filter(pk=petition.pk).update(opened_at=now - timedelta(hours=2))
    rows = [("a1@example.org", "203.0.113.9", 50), ("a2@example.org", "203.0.113.9", 40),
            ("a3@example.org", "203.0.113.9", 30), ("b1@junk.test", "198.51.100.1", 20),
            ("b2@junk.test", "198.51.100.2", 10), ("honest@example.net", "192.0.2.1", 5)]
    for email, ip, minutes_ago in rows:
        with django_capture_on_commit_callbacks(execute=True):
            signature_start(petition_id=petition.pk, name="x", email=email, ip_address=ip,
                            now=now - timedelta(minutes=minutes_ago))
        signature_confirm(token=confirmation_tokens(email)[-1])
    signature_start(petition_id=petition.pk, name="x", email="a4@example.org", ip_address="203.0.113.9")
    petition.refresh_from_db()
    assert petition.confirmed_count == 6
    return petition


URL = reverse("signatures:invalidate")


def test_only_supervisors_may_invalidate(client, official, flood):
    client.force_login(official)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"ip_address": "203.0.113.9", "reason": "bots", "confirm": "1"}).status_code == 403
    assert not Signature.objects.exclude(invalidated_at=None).exists()


def test_supervisor_previews_then_invalidates_by_address_and_the_count_follows(client, supervisor, flood):
    client.force_login(supervisor)
    preview = client.post(URL, {"ip_address": "203.0.113.9", "preview": ""})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "4 signatures match (3 confirmed) across 1 petitions" in text
    assert not Signature.objects.exclude(invalidated_at=None).exists(), "a preview changes nothing"
    missing_reason = client.post(URL, {"ip_address": "203.0.113.9", "confirm": "1"})
    assert "Say why" in missing_reason.content.decode()
    done = client.post(URL, {"ip_address": "203.0.113.9", "reason": "one address, 3 signatures a minute",
                             "confirm": "1"}, follow=True)
    assert "4 signatures were invalidated; 3 of them had been counted." in done.content.decode()
    flood.refresh_from_db()
    assert flood.confirmed_count == 3
    record = SignatureInvalidation.objects.get()
    assert (record.invalidated, record.confirmed_removed, record.performed_by) == (4, 3, supervisor)
    assert Signature.objects.filter(invalidation=record).count() == 4


def test_invalidation_by_domain_and_time_range_together(client, supervisor, flood):
    client.force_login(supervisor)
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    client.post(URL, {"email_domain": "JUNK.test", "signed_from": (now - timedelta(minutes=15)).strftime(fmt),
                      "signed_until": (now + timedelta(minutes=1)).strftime(fmt), "reason": "junk",
                      "confirm": "1"})
    flood.refresh_from_db()
    assert flood.confirmed_count == 5
    assert list(Signature.objects.exclude(invalidated_at=None).values_list("email", flat=True)) == ["b2@junk.test"]
    # Invalidating the same again changes nothing more.
    client.post(URL, {"email_domain": "junk.test", "reason": "junk", "confirm": "1"})
    flood.refresh_from_db()
    assert flood.confirmed_count == 4
    assert flood.confirmed_count == Signature.objects.filter(
        petition=flood, invalidated_at=None).exclude(confirmed_at=None).count()


def test_an_invalidated_signature_cannot_be_confirmed_or_signed_again(supervisor, flood):
    from portal.errors import DomainError
    from signatures.selectors import SignatureCriteria
    from signatures.services import signatures_invalidate

    signatures_invalidate(actor=supervisor, criteria=SignatureCriteria(ip_address="203.0.113.9"), reason="bots")
    token = confirmation_tokens("a1@example.org")[-1]
    with pytest.raises(DomainError):
        signature_confirm(token=token)
    signature_start(petition_id=flood.pk, name="x", email="a1@example.org")
    flood.refresh_from_db()
    assert flood.confirmed_count == 3


def test_empty_criteria_are_refused(client, supervisor, flood):
    client.force_login(supervisor)
    response = client.post(URL, {"reason": "everything", "confirm": "1"})
    assert "Choose an address, an e-mail domain or a time range." in response.content.decode()
    assert Petition.objects.get().confirmed_count == 6


def test_the_invalidation_page_runs_a_fixed_number_of_queries(client, supervisor, flood,
                                                             django_assert_max_num_queries):
    from signatures.selectors import SignatureCriteria
    from signatures.services import signatures_invalidate

    client.force_login(supervisor)
    for ip in ("203.0.113.9", "198.51.100.1", "198.51.100.2"):
        signatures_invalidate(actor=supervisor, criteria=SignatureCriteria(ip_address=ip), reason="bots")
    with django_assert_max_num_queries(8):
        response = client.post(URL, {"email_domain": "example.net", "preview": ""})
    assert response.status_code == 200 and response.content.decode().count("bots") == 3


@pytest.mark.parametrize("forwarded", [None, "", "not an address", "198.51.100.200, 203.0.113.77"])
def test_signing_behind_a_proxy_header_that_is_missing_or_a_list_counts_one_address(client, petition, settings,
                                                                                     forwarded):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    set_rates(sign_rate_per_address="2/h")
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    codes = [client.post(detail_url(petition), {"name": "Bot", "email": f"bot{n}@example.org"},
                         REMOTE_ADDR="192.0.2.10", **headers).status_code for n in range(3)]
    assert codes == [302, 302, 429]
    # The proxy appends the address it saw: the last entry, not one the client prepended.
    expected = "203.0.113.77" if forwarded and "," in forwarded else "192.0.2.10"
    assert set(Signature.objects.values_list("ip_address", flat=True)) == {expected}
    if forwarded and "," in forwarded:
        # A client changing what it prepends is still the same address.
        spoofed = client.post(detail_url(petition), {"name": "Bot", "email": "bot9@example.org"},
                              REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.77")
        assert spoofed.status_code == 429


def test_the_domain_limit_counts_a_domain_as_the_signature_records_it(client, petition):
    """googlemail.com is gmail.com to a signature, and so to the limit;
    an unlimited domain listed in Unicode is the same domain in IDNA."""
    set_rates(sign_rate_per_domain="2/h", unlimited_domains="例子.中国")
    emails = ["a@gmail.com", "b@googlemail.com", "c@GoogleMail.com"]
    codes = [client.post(detail_url(petition), {"name": "Bot", "email": email},
                         REMOTE_ADDR=f"203.0.113.{n}").status_code for n, email in enumerate(emails)]
    assert codes == [302, 302, 429]
    assert set(Signature.objects.values_list("email_domain", flat=True)) == {"gmail.com"}
    codes = [client.post(detail_url(petition), {"name": "P", "email": f"p{n}@xn--fsqu00a.xn--fiqs8s"},
                         REMOTE_ADDR=f"192.0.2.{n}").status_code for n in range(3)]
    assert codes == [302] * 3
