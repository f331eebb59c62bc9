from django.urls import path

from clients.views import consent

# Under studios/<studio_code>/consent/: the studio's own informed-consent text.
urlpatterns = [
    path("", consent.consent_text, name="consent_text"),
]
