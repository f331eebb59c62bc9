from django.urls import path

from routines.sessions import views as sessions

# Under studios/<studio_code>/sessions/, beside clients/session_urls.py: choosing the routine
# practised needs routines, which the clients app may not import.
urlpatterns = [
    path("<uuid:session_code>/routine/", sessions.session_routine, name="session_routine"),
    # The room sheet needs the routine's props.
    path("<uuid:session_code>/room/", sessions.session_room_sheet, name="session_room_sheet"),
    path(
        "<uuid:session_code>/room.pdf",
        sessions.session_room_sheet_pdf,
        name="session_room_sheet_pdf",
    ),
]
