"""The app as `make bench` serves it to time requests per second: what gunicorn serves in
production (practice.wsgi), plus one view that does nothing, the bare view the client list is
compared with (bench_pages). Used only by that command:

    gunicorn routines.management.bench_server:application
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from practice.wsgi import application

__all__ = ["application"]


def bare_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench-bare/", bare_view), path("", include(settings.ROOT_URLCONF))]
settings.ROOT_URLCONF = __name__
