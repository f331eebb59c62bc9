from django.urls import path

from routines.paper import views as handouts

urlpatterns = [
    path("consent-form.pdf", handouts.consent_form_pdf, name="consent_form"),
    path("consent-cards.pdf", handouts.consent_cards_pdf, name="consent_cards"),
    path(
        "clients/<uuid:client_code>/consent-form.pdf",
        handouts.client_consent_form_pdf,
        name="client_consent_form",
    ),
    path("settings/", handouts.handout_settings, name="handout_settings"),
]
