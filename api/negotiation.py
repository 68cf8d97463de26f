"""DRF's content negotiation, remembered: which renderer answers depends
only on the Accept header, the format asked for and the view's renderer
classes, yet DRF parses the header and matches it against every renderer on
every request. The answer is kept per process for the headers seen most
(a client sends the same one every time), and worked out by DRF itself
the first time; a NotAcceptable is not kept."""

from rest_framework.negotiation import DefaultContentNegotiation

# Distinct Accept headers remembered; past it, the rest are negotiated each time.
REMEMBERED = 256
_chosen: dict[tuple, tuple[int, str]] = {}


class RememberedContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        format_ = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        key = (request.META.get("HTTP_ACCEPT", "*/*"), format_, tuple(type(renderer) for renderer in renderers))
        chosen = _chosen.get(key)
        if chosen is not None:
            index, media_type = chosen
            return renderers[index], media_type
        renderer, media_type = super().select_renderer(request, renderers, format_suffix)
        if len(_chosen) < REMEMBERED:
            _chosen[key] = renderers.index(renderer), media_type
        return renderer, media_type
