from django.http import HttpResponse, JsonResponse
from django.urls import path

from certificates.models import Certificate
from cms.urls import urlpatterns as site


def minimal_lookup(request, code):
    """The baseline: one indexed row read and a small response, nothing else."""
    serial = Certificate.objects.filter(code=code).values_list("serial", flat=True).first()
    if serial is None:
        return HttpResponse(status=404)
    return JsonResponse({"serial": serial})


urlpatterns = [path("bench/minimal/<str:code>", minimal_lookup), *site]
