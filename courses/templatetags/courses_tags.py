from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(str(key), "") if mapping else ""


@register.filter
def duration(minutes):
    """120 -> '2 h', 75 -> '1 h 15 min', 40 -> '40 min'."""
    minutes = int(round(float(minutes or 0)))
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    if hours:
        return f"{hours} h"
    return f"{rest} min"
