from django.urls import path

from clients.views import consent

# Under clients/<client_code>/consent/. Signatures are never edited or deleted: no such URLs.
urlpatterns = [
    path("sign/", consent.consent_sign, name="consent_sign"),
]
