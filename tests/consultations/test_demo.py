import pytest
from django.core.management import call_command

from consultations.demo import load_consultations_demo
from consultations.models import CommentGroup, Consultation, Phase


@pytest.mark.django_db
def test_the_demo_has_an_open_consultation_with_a_campaign_and_a_reported_one():
    call_command("load_demo")
    load_consultations_demo()
    load_consultations_demo()
    phases = sorted(consultation.phase for consultation in Consultation.objects.all())
    assert phases == [Phase.OPEN, Phase.REPORTED]
    opened = Consultation.objects.get(state="published")
    assert opened.sections.count() == 6 and opened.comments.count() == 4
    assert sorted(CommentGroup.objects.filter(consultation=opened).values_list("size", flat=True)) == [1, 1, 2]
