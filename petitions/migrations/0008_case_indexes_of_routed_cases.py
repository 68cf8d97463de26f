"""The inbox indexes (led by the department) cover routed cases only, and
the keys most cases leave empty (recorded_by, assigned_to, merged_into) are
indexed where they are set: a new case, which has none of them, writes 11
index entries fewer. Built CONCURRENTLY on PostgreSQL before the indexes
they replace are dropped (CONCURRENTLY too), so neither writes nor the
inboxes stop (portal.concurrent_index)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from portal.concurrent_index import DropIndexesConcurrently, concurrent_index

ROUTED = models.Q(lead_department__isnull=False)

NEW_INDEXES = [
    models.Index(fields=["lead_department", "-submitted_at"], name="case_dept_idx", condition=ROUTED),
    models.Index(fields=["lead_department", "status", "-submitted_at"], name="case_dept_status_idx",
                 condition=ROUTED),
    models.Index(fields=["lead_department", "kind", "-submitted_at"], name="case_dept_kind_idx", condition=ROUTED),
    models.Index(fields=["lead_department", "category", "-submitted_at"], name="case_dept_category_idx",
                 condition=ROUTED),
    models.Index(fields=["lead_department", "region", "-submitted_at"], name="case_dept_region_idx",
                 condition=ROUTED),
    models.Index(fields=["lead_department", "urgency", "-submitted_at"], name="case_dept_urgency_idx",
                 condition=ROUTED),
    models.Index(fields=["lead_department", "assigned_to", "-submitted_at"], name="case_dept_assignee_idx",
                 condition=ROUTED),
    models.Index(fields=["lead_department", "due_at"], name="case_dept_due_idx", condition=ROUTED),
    models.Index(fields=["assigned_to"], name="case_assigned_to_idx", condition=models.Q(assigned_to__isnull=False)),
    models.Index(fields=["merged_into"], name="case_merged_into_idx", condition=models.Q(merged_into__isnull=False)),
    models.Index(fields=["recorded_by"], name="case_recorded_by_idx", condition=models.Q(recorded_by__isnull=False)),
]

OLD_INBOX_INDEXES = ["case_inbox_idx", "case_inbox_status_idx", "case_inbox_kind_idx", "case_inbox_category_idx",
                     "case_inbox_region_idx", "case_inbox_urgency_idx", "case_inbox_assignee_idx",
                     "case_inbox_due_idx"]
# The foreign keys' own indexes, as Django named them (0001_initial).
OLD_KEY_INDEXES = ["petitions_case_assigned_to_id_77e3fffe", "petitions_case_merged_into_id_ab50aa4a",
                   "petitions_case_recorded_by_id_24d64adc"]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0003_user_language"),
        ("petitions", "0007_alter_case_citizen_alter_case_lead_department_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *(concurrent_index("petitions", "case", index) for index in NEW_INDEXES),
        DropIndexesConcurrently(
            [
                *(migrations.RemoveIndex(model_name="case", name=name) for name in OLD_INBOX_INDEXES),
                migrations.AlterField(
                    model_name="case",
                    name="assigned_to",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.PROTECT,
                                            related_name="assigned_cases", to=settings.AUTH_USER_MODEL,
                                            verbose_name="assigned to"),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="merged_into",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.PROTECT,
                                            related_name="merged_cases", to="petitions.case",
                                            verbose_name="merged into"),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="recorded_by",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.PROTECT,
                                            related_name="recorded_cases", to=settings.AUTH_USER_MODEL,
                                            verbose_name="recorded by"),
                ),
            ],
            OLD_INBOX_INDEXES + OLD_KEY_INDEXES,
        ),
    ]
