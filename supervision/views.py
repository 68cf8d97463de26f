"""Pages for supervisors."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts.roles import Role, has_role
from portal.pagination import paginate
from responses.forms import StatusFilterForm
from supervision.selectors import case_overview


@login_required
def overview(request):
    if not has_role(request.user, Role.SUPERVISOR):
        raise PermissionDenied
    filters = StatusFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else None
    page = paginate(request, case_overview(status=status))
    return render(request, "supervision/overview.html", {"page": page, "filters": filters, "status": status or ""})
