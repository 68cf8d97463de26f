"""How a case's answer date reads on the citizen's pages, in each language."""

import datetime

from django.utils import timezone, translation

from supervision.deadlines import AnswerBy
from supervision.templatetags.deadline_tags import answer_when

AT = timezone.make_aware(datetime.datetime(2026, 12, 28, 9, 0))


def test_an_estimated_answer_date_is_explained_in_parentheses_the_language_writes():
    with translation.override("zh-hans"):
        chinese = str(answer_when(AnswerBy(AT, estimate=True)))
    with translation.override("en"):
        english = str(answer_when(AnswerBy(AT, estimate=True)))
    assert "（估算：按后续各环节用满时限计算）" in chinese and "(" not in chinese
    assert "(estimate: each step still to come taking its full time limit)" in english
