from django.urls import path

from clients.views import notes

note = "<uuid:note_code>"

# Under clients/<client_code>/notes/.
urlpatterns = [
    path("add/", notes.note_add, name="note_add"),
    path(f"{note}/edit/", notes.note_edit, name="note_edit"),
    path(f"{note}/sign/", notes.note_sign, name="note_sign"),
    path(f"{note}/addenda/", notes.addendum_add, name="addendum_add"),
]
