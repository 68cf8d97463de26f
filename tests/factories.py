"""factory_boy factories for the whole suite."""

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Department, DepartmentMembership, User
from petitions.lifecycle import Status
from petitions.models import Case, Category, Kind, Region, Urgency
from petitions.tracking import new_tracking_number
from responses.models import RoutingRule

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    # Accounts in tests have confirmed their address unless a test says not.
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                # get_or_create: tests that flush the database also flush
                # the groups the data migration made.
                self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"部门{n}")
    name_en = factory.Sequence(lambda n: f"Department {n}")


def official_of(department, **kwargs) -> User:
    user = UserFactory(**kwargs)
    DepartmentMembership.objects.create(user=user, department=department)
    return user


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.Sequence(lambda n: f"类别{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"地区{n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule

    name = factory.Sequence(lambda n: f"rule {n}")
    lead_department = factory.SubFactory(DepartmentFactory)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    tracking_number = factory.LazyFunction(new_tracking_number)
    kind = Kind.COMPLAINT
    category = factory.SubFactory(CategoryFactory)
    region = factory.SubFactory(RegionFactory)
    urgency = Urgency.NORMAL
    title = factory.Sequence(lambda n: f"Case number {n}")
    body = "Something in the neighbourhood needs the government's attention."
    citizen = factory.SubFactory(UserFactory)
    contact_email = factory.LazyAttribute(lambda case: case.citizen.email if case.citizen else "caller@example.org")
    status = Status.SUBMITTED


class DispatchedCaseFactory(CaseFactory):
    status = Status.DISPATCHED
    lead_department = factory.SubFactory(DepartmentFactory)
    dispatched_at = factory.Faker("date_time_this_month", tzinfo=__import__("datetime").timezone.utc)
