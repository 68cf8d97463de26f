"""Atom feeds of newly published cases, per department and per category."""

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from petitions.models import Category
from publication.selectors import public_cases, public_department

FEED_SIZE = 30


class PublicCasesFeed(Feed):
    feed_type = Atom1Feed

    def items(self, obj):
        return self.cases(obj).order_by("-published_at", "-id")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom carries the summary as HTML: the public texts are plain text.
        text = linebreaks(escape(item.body))
        if item.answer:
            text += f"<h2>{escape(_('Answer'))}</h2>" + linebreaks(escape(item.answer))
        return text

    def item_link(self, item):
        return reverse("publication:case_detail", args=[item.case.tracking_number])

    def item_guid(self, item):
        return f"wenzheng:public-case:{item.case.tracking_number}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.moderated_at or item.published_at

    def item_author_name(self, item):
        return item.author_label

    def item_categories(self, item):
        return [str(item.category)]


class DepartmentFeed(PublicCasesFeed):
    def get_object(self, request, code):
        return public_department(code)

    def cases(self, department):
        return public_cases().filter(department=department)

    def title(self, department):
        return _("Public cases of %(department)s") % {"department": department}

    def link(self, department):
        return reverse("publication:department_detail", args=[department.code])

    def subtitle(self, department):
        return _("Cases newly published with %(department)s as the answering department.") % {
            "department": department}


class CategoryFeed(PublicCasesFeed):
    def get_object(self, request, code):
        category = Category.objects.filter(code=code, is_active=True).first()
        if category is None:
            raise Http404("No category found")
        return category

    def cases(self, category):
        subtree = Category.objects.filter(Q(pk=category.pk) | Q(parent=category) | Q(parent__parent=category))
        return public_cases().filter(category__in=subtree.values("pk"))

    def title(self, category):
        return _("Public cases in %(category)s") % {"category": category}

    def link(self, category):
        return reverse("publication:case_list") + f"?category={category.pk}"

    def subtitle(self, category):
        return _("Cases newly published in the category %(category)s.") % {"category": category}
