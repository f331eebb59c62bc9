"""Routine pages reached from a client, under studios/<studio_code>/clients/."""

from django.urls import path

from routines.builder import client_views as client_routines

urlpatterns = [
    path(
        "<uuid:client_code>/routines/new/",
        client_routines.client_routine_create,
        name="client_routine_create",
    ),
]
