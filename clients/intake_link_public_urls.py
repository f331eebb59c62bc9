"""The client's intake link, mounted at /i/ (short, so the QR code and the typed address stay
small). Public: the token in the URL is the key (see clients/intake_links.py)."""

from django.urls import path

from clients.views import intake_link

urlpatterns = [
    path("<str:token>/", intake_link.intake_link_form, name="intake_link_form"),
]
