from django import template

from places.conf import map_config as config

register = template.Library()


@register.simple_tag
def map_config() -> str:
    """The map's settings as JSON, for a data-map-config attribute (escaped there)."""
    return config()
