import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight import services
from tests.factories import CaseFactory
from tests.petitions.test_case_submit import PNG

SECRET_BODY = "The clerk asked for a red envelope before stamping"
EVIDENCE_NAME = "receipt-of-the-favour.png"


@pytest.fixture
def own_case(citizen, department, category, region):
    return CaseFactory(citizen=citizen, category=category, region=region, lead_department=department)


@pytest.fixture
def named_report(citizen, department, own_case, supervisor):
    upload = SimpleUploadedFile(EVIDENCE_NAME, PNG, content_type="image/png")
    report, _secret = services.report_submit(
        actor=citizen, department=department, category="favours", body=SECRET_BODY, official="Clerk Wang",
        case=own_case, files=[(upload, "image/png")])
    return report


@pytest.fixture
def anonymous_report(department, supervisor):
    from django.contrib.auth.models import AnonymousUser

    return services.report_submit(actor=AnonymousUser(), department=department, category="delay",
                                  body="Nobody answered the phone for three weeks")
