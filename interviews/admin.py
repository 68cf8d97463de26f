from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from interviews.models import Answer, Interview, Question


@admin.register(Interview)
class InterviewAdmin(SimpleHistoryAdmin):
    list_display = ["title", "department", "starts_at", "state"]
    list_filter = ["state"]
    list_select_related = ["department"]
    search_fields = ["title"]
    raw_id_fields = ["created_by"]
    # The state moves only through the services (start, close).
    readonly_fields = ["state", "started_at", "closed_at", "created_by", "created_at"]


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "interview", "state", "support_count", "submitted_at"]
    list_filter = ["state"]
    raw_id_fields = ["interview", "asker", "merged_into", "screened_by", "case"]
    readonly_fields = ["state", "support_count", "answered_at", "case"]


@admin.register(Answer)
class AnswerAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "interview", "speaker", "posted_at"]
    raw_id_fields = ["interview", "question", "author"]
