from django import template

register = template.Library()


@register.filter
def certificate_state(certificate, day):
    return certificate.state_on(day)
