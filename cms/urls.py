from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views

urlpatterns = [
    # Every sign-in, the admin's included, goes through allauth so that MFA applies to it.
    path(
        "admin/login/",
        RedirectView.as_view(url=settings.WAGTAILADMIN_LOGIN_URL, query_string=True),
        name="admin_login_redirect",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", include("allauth.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("health/", views.health, name="health"),
    path("learn/", include("courses.urls")),
    path("assess/", include("assessments.urls")),
    path("certificates/", include("certificates.urls")),
    path("", include("certificates.public_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
