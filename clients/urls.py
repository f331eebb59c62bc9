from django.urls import include, path

from clients.sessions import views as sessions
from clients.views import chooser, clients

client = "<uuid:client_code>"

urlpatterns = [
    path("", clients.client_list, name="client_list"),
    path("new/", clients.client_create, name="client_create"),
    path("choose/", chooser.client_choose, name="client_choose"),
    path(f"{client}/", clients.client_detail, name="client_detail"),
    path(f"{client}/edit/", clients.client_edit, name="client_edit"),
    path(f"{client}/archive/", clients.client_archive, name="client_archive"),
    path(f"{client}/restore/", clients.client_restore, name="client_restore"),
    path(f"{client}/intake/", include("clients.intake_urls")),
    path(f"{client}/consent/", include("clients.consent_urls")),
    path(f"{client}/notes/", include("clients.note_urls")),
    path(f"{client}/", include("clients.intake_link_urls")),
    path(f"{client}/home-practice/", sessions.home_practice, name="home_practice"),
    # Studio-wide: consent text, audit trail, exports and erasure.
    path("", include("clients.record_urls")),
]
