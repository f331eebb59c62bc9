from django.urls import path

from clients.sessions import views as sessions

session = "<uuid:session_code>"
attendee = f"{session}/clients/<uuid:client_code>"

# Under studios/<studio_code>/sessions/. The routine practised is chosen in routines (see
# routines/session_urls.py): clients never import routines.
urlpatterns = [
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
