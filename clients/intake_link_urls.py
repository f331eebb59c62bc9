"""The teacher's side of the intake link, under studios/<studio_code>/clients/<client_code>/."""

from django.urls import path

from clients.views import intake_link

invitation = "intake-link/<uuid:link_code>"

urlpatterns = [
    path("intake-link/send/", intake_link.intake_link_send, name="intake_link_send"),
    path(f"{invitation}/", intake_link.intake_link_review, name="intake_link_review"),
    path(f"{invitation}/off/", intake_link.intake_link_revoke, name="intake_link_revoke"),
    path(f"{invitation}/<slug:part>/", intake_link.intake_link_decide, name="intake_link_decide"),
]
