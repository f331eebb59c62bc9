"""Intake, under studios/<studio_code>/clients/<client_code>/intake/."""

from django.urls import path

from clients.views import intake

precaution = "precautions/<uuid:precaution_code>"
trigger = "triggers/<uuid:trigger_code>"

urlpatterns = [
    path("", intake.intake_section, name="intake_section"),
    path("precautions/new/", intake.precaution_add, name="precaution_add"),
    path(f"{precaution}/edit/", intake.precaution_edit, name="precaution_edit"),
    path(f"{precaution}/remove/", intake.precaution_delete, name="precaution_delete"),
    path("triggers/new/", intake.trigger_add, name="trigger_add"),
    path(f"{trigger}/edit/", intake.trigger_edit, name="trigger_edit"),
    path(f"{trigger}/remove/", intake.trigger_delete, name="trigger_delete"),
    path("preferences/", intake.preferences_edit, name="preferences_edit"),
    path("touch-consent/", intake.touch_consent_edit, name="touch_consent_edit"),
    path("clearance/", intake.clearance_edit, name="clearance_edit"),
]
