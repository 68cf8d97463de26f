"""The OpenAPI description: served, browsable without a CDN, and true.
A property-based run (schemathesis) sends generated requests to every
operation as a citizen, an official and a supervisor, and checks that none
is a server error and every answer matches the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.services import token_create
from petitions.lifecycle import Status
from portal.wsgi import application
from tests.factories import CategoryFactory, DispatchedCaseFactory, RegionFactory, UserFactory, official_of


@pytest.mark.django_db
def test_schema_is_served_to_anyone(api):
    response = api.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert {"/api/v1/cases/", "/api/v1/inbox/", "/api/v1/cases/{tracking}/actions/{action}/",
            "/api/v1/supervision/rates/", "/api/v1/tokens/"} <= set(schema["paths"])
    act = schema["paths"]["/api/v1/cases/{tracking}/actions/{action}/"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "429"} <= set(act["responses"])
    assert act["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}


@pytest.mark.django_db
def test_the_served_schema_is_valid_openapi(api):
    """Strict validators and client generators reject a whole schema for one
    bad property (a default its own format refuses, say)."""
    from openapi_spec_validator import validate

    response = api.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    validate(response.json())


@pytest.mark.django_db
def test_docs_page_uses_local_assets(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page and "/static/drf_spectacular_sidecar/" in page
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page


FAST = {"anon": "100000/min", "user": "100000/min", "api_write": "100000/min"}


@pytest.fixture
def wsgi_in_test_transaction(settings):
    """As Django's test client does, keep the connection open between
    requests (closing it would end the test's transaction), and lift the
    rate limits for the generated flood."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": FAST}
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(db):
    """A citizen with a case, an official of its department, a supervisor."""
    citizen = UserFactory(email="st-citizen@example.org")
    from accounts.models import Department

    department = Department.objects.create(code="st-dept", name="测试部门")
    official_department = official_of(department, email="st-official@example.org")
    supervisor = UserFactory(email="st-supervisor@example.org", roles=["supervisor"])
    CategoryFactory(), RegionFactory()
    DispatchedCaseFactory(citizen=citizen, lead_department=department, status=Status.ACCEPTED)
    return [{"HTTP_AUTHORIZATION": f"Bearer {token_create(actor=user, user=user, name='schema run')[1]}"}
            for user in (citizen, official_department, supervisor)]


# Loaded once from the WSGI application: generating the schema reads code,
# not the database. (schemathesis' from_fixture does not work with pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application).include(path_regex=r"^/api/v1/")


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_every_operation_answers_within_its_schema(case, role_headers, wsgi_in_test_transaction):
    for credentials in role_headers:
        case.call_and_validate(
            headers={"Authorization": credentials["HTTP_AUTHORIZATION"]},
            checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                    response_schema_conformance],
        )
