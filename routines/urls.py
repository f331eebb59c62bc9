"""Every URL of the routines app, in one module.

`urlpatterns` sits under studios/<studio_code>/ (see practice/urls.py); `public_patterns` at the
site's root.
"""

from django.urls import include, path

from routines.builder import client_views as client_routines
from routines.builder import safety_views as safety
from routines.builder import views as builder
from routines.dashboard import views as dashboard
from routines.library import views as poses
from routines.paper import batch_views as batch
from routines.paper import player_views as player
from routines.paper import views as handouts
from routines.sessions import views as sessions

pose = "<uuid:pose_code>"
modification = f"{pose}/modifications/<uuid:modification_code>"
step = "<uuid:routine_code>/steps/<uuid:step_code>"

# Under library/.
pose_patterns = [
    path("", poses.pose_list, name="pose_list"),
    path("new/", poses.pose_create, name="pose_create"),
    path("new/figure/", poses.pose_figure_preview, name="pose_figure_preview"),
    path(f"{pose}/", poses.pose_detail, name="pose_detail"),
    path(f"{pose}/edit/", poses.pose_edit, name="pose_edit"),
    path(f"{pose}/edit/figure/", poses.pose_figure_preview, name="pose_edit_figure_preview"),
    path(f"{pose}/copy/", poses.pose_copy, name="pose_copy"),
    path(f"{pose}/image/", poses.pose_image, name="pose_image"),
    path(f"{pose}/figure.svg", poses.pose_figure_svg, name="pose_figure"),
    path(f"{pose}/modifications/new/", poses.modification_create, name="modification_create"),
    path(f"{modification}/edit/", poses.modification_edit, name="modification_edit"),
    path(f"{modification}/delete/", poses.modification_delete, name="modification_delete"),
]

# Under routines/.
routine_patterns = [
    path("", builder.routine_list, name="routine_list"),
    path("new/", builder.routine_create, name="routine_create"),
    path("print/", batch.routine_batch_print, name="routine_batch_print"),
    path("<uuid:routine_code>/", builder.routine_detail, name="routine_detail"),
    path("<uuid:routine_code>/edit/", builder.routine_edit, name="routine_edit"),
    path("<uuid:routine_code>/duplicate/", builder.routine_duplicate, name="routine_duplicate"),
    path("<uuid:routine_code>/archive/", builder.routine_archive, name="routine_archive"),
    path("<uuid:routine_code>/restore/", builder.routine_restore, name="routine_restore"),
    path("<uuid:routine_code>/picker/", builder.step_picker, name="step_picker"),
    path("<uuid:routine_code>/print/", handouts.routine_print, name="routine_print"),
    path("<uuid:routine_code>/handout.pdf", handouts.routine_handout_pdf, name="routine_handout"),
    path(
        "<uuid:routine_code>/teacher-sheet.pdf",
        handouts.routine_teacher_sheet_pdf,
        name="routine_teacher_sheet",
    ),
    path("<uuid:routine_code>/play/", player.routine_player, name="routine_player"),
    path("<uuid:routine_code>/practice-link/on/", player.practice_link_on, name="practice_link_on"),
    path(
        "<uuid:routine_code>/practice-link/renew/",
        player.practice_link_renew,
        name="practice_link_renew",
    ),
    path(
        "<uuid:routine_code>/practice-link/off/", player.practice_link_off, name="practice_link_off"
    ),
    path("<uuid:routine_code>/steps/add/", builder.step_add, name="step_add"),
    path("<uuid:routine_code>/steps/reorder/", builder.steps_reorder, name="steps_reorder"),
    path(f"{step}/", builder.step_edit, name="step_edit"),
    path(f"{step}/move/", builder.step_move, name="step_move"),
    path(f"{step}/remove/", builder.step_remove, name="step_remove"),
    path(f"{step}/swap/", builder.step_swap, name="step_swap"),
    path(f"{step}/other-ways/", builder.step_other_way, name="step_other_way"),
    path(f"{step}/fix/", safety.step_fix, name="step_fix"),
    path(f"{step}/keep/", safety.step_keep, name="step_keep"),
]

# Under print/.
print_patterns = [
    path("consent-form.pdf", handouts.consent_form_pdf, name="consent_form"),
    path("consent-cards.pdf", handouts.consent_cards_pdf, name="consent_cards"),
    path(
        "clients/<uuid:client_code>/consent-form.pdf",
        handouts.client_consent_form_pdf,
        name="client_consent_form",
    ),
    path("settings/", handouts.handout_settings, name="handout_settings"),
]

# The client's practice link, under /p/ (short, so the printed QR code stays small). Public: the
# token in the URL is the key (see routines/paper/practice_links.py).
player_patterns = [
    path("sw.js", player.practice_worker, name="practice_worker"),
    path("<str:token>/", player.practice_player, name="practice_player"),
    path("<str:token>/practised/", player.practice_report, name="practice_report"),
    path("<str:token>/figures/<uuid:step_code>/", player.practice_figure, name="practice_figure"),
]

urlpatterns = [
    path("", dashboard.studio_dashboard, name="studio_dashboard"),
    path("library/", include(pose_patterns)),
    path("routines/", include(routine_patterns)),
    # A routine for a client is routines' page, though its URL sits under the client's.
    path(
        "clients/<uuid:client_code>/routines/new/",
        client_routines.client_routine_create,
        name="client_routine_create",
    ),
    path("print/", include(print_patterns)),
    # The routine practised in a session: beside the clients app's sessions/ URLs, since
    # choosing it needs routines, which clients may not import.
    path("sessions/<uuid:session_code>/routine/", sessions.session_routine, name="session_routine"),
    # The room sheet needs the routine's props.
    path(
        "sessions/<uuid:session_code>/room/",
        sessions.session_room_sheet,
        name="session_room_sheet",
    ),
    path(
        "sessions/<uuid:session_code>/room.pdf",
        sessions.session_room_sheet_pdf,
        name="session_room_sheet_pdf",
    ),
]

public_patterns = [
    path("p/", include(player_patterns)),
]
