"""The in-site list of notifications."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications.models import Event, Notification
from notifications.selectors import notifications_for
from notifications.services import notifications_mark_read
from portal.pagination import paginate


@login_required
def notification_list(request):
    page = paginate(request, notifications_for(request.user))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_open(request, notification_id: int):
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    notifications_mark_read(user=request.user, notification_ids=[notification.pk])
    if notification.case_id is None:
        # Paths are written by the portal's own code; still, only ever local.
        local = url_has_allowed_host_and_scheme(notification.path, allowed_hosts=None)
        return redirect(notification.path if local and notification.path.startswith("/") else "notifications:list")
    if notification.event == Event.FOLLOWED_ANSWERED:
        # A follower reads the public page; the case itself is not theirs to see.
        return redirect("publication:case_detail", tracking_number=notification.case.tracking_number)
    return redirect("petitions:case_detail", case_id=notification.case_id)


@login_required
@require_POST
def notifications_read_all(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")
