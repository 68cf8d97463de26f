"""The site's own pages for a refused CSRF check and for a rate limit
(django-ratelimit's RATELIMIT_VIEW), in the visitor's language. 403, 404
and 500 are Django's handlers with the templates of the same names."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    # The reason is for developers (DEBUG shows Django's own page instead).
    return render(request, "403_csrf.html", status=403)


def too_many_requests(request, exception=None):
    return render(request, "429.html", status=429)
