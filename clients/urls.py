"""Every URL of the clients app, in one module.

`urlpatterns` sits under studios/<studio_code>/ (see practice/urls.py); `public_patterns` at the
site's root. The routine practised in a session and a routine made for a client are routines'
pages (routines/urls.py): clients never import routines.
"""

from django.urls import URLPattern, URLResolver, include, path

from clients.sessions import views as sessions
from clients.views import chooser, clients, consent, intake, intake_link, notes, records

client = "<uuid:client_code>"
precaution = "precautions/<uuid:precaution_code>"
trigger = "triggers/<uuid:trigger_code>"
note = "<uuid:note_code>"
session = "<uuid:session_code>"
attendee = f"{session}/clients/<uuid:client_code>"

# Under clients/<client_code>/intake/.
intake_patterns = [
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

# Under clients/<client_code>/consent/. Signatures are never edited or deleted: no such URLs.
consent_patterns = [
    path("sign/", consent.consent_sign, name="consent_sign"),
]

# The teacher's side of the intake link, under clients/<client_code>/.
invitation = "intake-link/<uuid:link_code>"
intake_link_patterns = [
    path("intake-link/send/", intake_link.intake_link_send, name="intake_link_send"),
    path(f"{invitation}/", intake_link.intake_link_review, name="intake_link_review"),
    path(f"{invitation}/off/", intake_link.intake_link_revoke, name="intake_link_revoke"),
    path(f"{invitation}/<slug:part>/", intake_link.intake_link_decide, name="intake_link_decide"),
]

# Under clients/<client_code>/notes/.
note_patterns = [
    path("add/", notes.note_add, name="note_add"),
    path(f"{note}/edit/", notes.note_edit, name="note_edit"),
    path(f"{note}/sign/", notes.note_sign, name="note_sign"),
    path(f"{note}/addenda/", notes.addendum_add, name="addendum_add"),
]

client_patterns: list[URLPattern | URLResolver] = [
    path("", clients.client_list, name="client_list"),
    path("new/", clients.client_create, name="client_create"),
    path("choose/", chooser.client_choose, name="client_choose"),
    path(f"{client}/", clients.client_detail, name="client_detail"),
    path(f"{client}/edit/", clients.client_edit, name="client_edit"),
    path(f"{client}/archive/", clients.client_archive, name="client_archive"),
    path(f"{client}/restore/", clients.client_restore, name="client_restore"),
    path(f"{client}/intake/", include(intake_patterns)),
    path(f"{client}/consent/", include(consent_patterns)),
    path(f"{client}/notes/", include(note_patterns)),
    path(f"{client}/", include(intake_link_patterns)),
    path(f"{client}/home-practice/", sessions.home_practice, name="home_practice"),
    # Studio-wide: audit trail, exports and erasure.
    path("audit/", records.audit_list, name="audit_list"),
    path("export/", records.studio_export, name="studio_export"),
    path(f"{client}/export/", records.client_export, name="client_export"),
    path(f"{client}/erase/", records.client_erase, name="client_erase"),
]

# Under sessions/.
session_patterns = [
    path("", sessions.session_list, name="session_list"),
    path("new/", sessions.session_create, name="session_create"),
    path("calendar/", sessions.calendar_settings, name="calendar_settings"),
    path(f"{session}/", sessions.session_detail, name="session_detail"),
    path(f"{session}/edit/", sessions.session_edit, name="session_edit"),
    path(f"{session}/cancel/", sessions.session_cancel, name="session_cancel"),
    path(f"{session}/held/", sessions.session_held, name="session_held"),
    path(f"{attendee}/check-in/<str:moment>/", sessions.checkin, name="checkin"),
    path(f"{attendee}/note/", sessions.session_note, name="session_note"),
]

urlpatterns = [
    path("clients/", include(client_patterns)),
    # The studio's own informed-consent text.
    path("consent/", consent.consent_text, name="consent_text"),
    path("sessions/", include(session_patterns)),
]

public_patterns = [
    # A teacher's secret calendar link: calendar apps cannot sign in
    # (see clients/sessions/calendar.py).
    path("calendar/<str:token>.ics", sessions.calendar_feed, name="calendar_feed"),
    # The client's intake link, at /i/ (short, so the QR code and the typed address stay
    # small). Public: the token in the URL is the key (see clients/intake_links.py).
    path("i/<str:token>/", intake_link.intake_link_form, name="intake_link_form"),
]
