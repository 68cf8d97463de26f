import pytest
from django.core.management import call_command

from oversight.demo import load_oversight_demo
from oversight.models import Finding, Report, ReportState


@pytest.mark.django_db
def test_the_demo_has_reports_in_several_states_and_loads_once(client):
    from portal.demo import load_demo

    load_demo()
    number, secret = load_oversight_demo()
    assert set(Report.objects.values_list("state", flat=True)) == {
        ReportState.SUBMITTED, ReportState.VERIFYING, ReportState.CONCLUDED}
    assert Finding.objects.get().notice_published_at is not None
    assert load_oversight_demo() == [] and Report.objects.count() == 3
    followed = client.post("/oversight/follow/", {"tracking_number": number, "secret": secret})
    assert followed.context["report"].tracking_number == number
    call_command("check")
