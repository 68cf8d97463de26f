"""Fixtures for petitions and their signatures."""

import re

import pytest
from django.core import mail
from django.test import TestCase

from accounts.roles import Role
from petitions.lifecycle import Status
from petitions.models import Kind
from publication.services import publication_approve
from signatures.models import Petition, PetitionSettings
from tests.factories import CaseFactory, UserFactory


@pytest.fixture
def moderator(db):
    return UserFactory(email="moderator@example.org", roles=[Role.MODERATOR.value])


@pytest.fixture
def petition_settings(db):
    """Small thresholds so tests can cross them."""
    config = PetitionSettings.load()
    config.response_threshold, config.hearing_threshold = 3, 5
    config.save()
    return config


@pytest.fixture
def petition_case(department, category, region, citizen):
    return CaseFactory(kind=Kind.PETITION, wants_public=True, lead_department=department, status=Status.ACCEPTED,
                       category=category, region=region, citizen=citizen, title="Open the school playground")


def publish(case, moderator, *, answer: str = "") -> Petition:
    """A moderator approves the case for the public side (its own texts);
    the petition opens once the approval committed."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        publication_approve(actor=moderator, case_id=case.pk, title=case.title, body=case.body, answer=answer)
    return Petition.objects.get(case=case)


@pytest.fixture
def petition(petition_case, moderator, petition_settings):
    return publish(petition_case, moderator)


CONFIRM_LINK = re.compile(r"https?://\S+/petitions/confirm/(\S+)/")


def confirmation_tokens(to: str | None = None) -> list[str]:
    tokens = []
    for message in mail.outbox:
        if to is None or to in message.to:
            tokens += CONFIRM_LINK.findall(message.body)
    return tokens


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English texts: pages and services speak English
    (the site's default language is Chinese)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
