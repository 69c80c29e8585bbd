from django import template
from django.utils.html import format_html

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


@register.simple_tag
def progress_bar(percent, label):
    """A labelled progress bar. A tag rather than an included template: dashboards draw one
    per course and module, and an include costs a template render each time."""
    return format_html(
        '<div class="progress"><progress max="100" value="{0}" aria-label="{1}">{0}%</progress>'
        '<span class="progress__text">{0}% · {1}</span></div>',
        percent,
        label,
    )
