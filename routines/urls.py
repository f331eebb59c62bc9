from django.urls import path

from routines.builder import safety_views as safety
from routines.builder import views as builder
from routines.paper import batch_views as batch
from routines.paper import player_views as player
from routines.paper import views as handouts

step = "<uuid:routine_code>/steps/<uuid:step_code>"

urlpatterns = [
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
