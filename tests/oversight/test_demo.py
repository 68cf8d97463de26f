import pytest
from django.core.management import call_command

from oversight.demo import load_oversight_demo
from oversight.models import Finding, Report, ReportState


@pytest.mark.django_db
def test_the_demo_has_reports_in_several_states_and_loads_once(client):
    from portal.demo import load_demo

    # The demo city loads the reports too (portal.demo); once only.
    load_demo(history=False)
    assert set(Report.objects.values_list("state", flat=True)) == {
        ReportState.SUBMITTED, ReportState.VERIFYING, ReportState.CONCLUDED}
    assert Finding.objects.get().notice_published_at is not None
    assert load_oversight_demo() == [] and Report.objects.count() == 3
    call_command("check")
