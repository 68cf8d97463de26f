"""The public map page: published cases on a map (data from places.api),
filtered like the public list, and a list of those near a place that works
without scripts."""

from django.conf import settings
from django.shortcuts import render

from places.forms import PublicMapForm
from places.selectors import public_cases_near

# How far "near here" looks.
NEAR_METRES = 1000


def public_map(request):
    form = PublicMapForm(request.GET or None)
    near = form.near()
    nearby = public_cases_near(form.filters(), *near, metres=NEAR_METRES) if near else []
    fit = ""
    if near:
        from places.geometry import around

        box = around(*near, NEAR_METRES)
        fit = f"{box.west:.6f},{box.south:.6f},{box.east:.6f},{box.north:.6f}"
    return render(request, "places/public_map.html", {
        "form": form, "near": near, "nearby": nearby, "near_metres": NEAR_METRES, "fit": fit,
        "filters_query": form.list_query_string(), "precision": settings.MAP_PUBLIC_PRECISION_METRES,
    })
