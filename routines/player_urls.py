"""The client's practice link, mounted at /p/ (short, so the printed QR code stays small).

Public: the token in the URL is the key (see routines/paper/practice_links.py).
"""

from django.urls import path

from routines.paper import player_views as player

urlpatterns = [
    path("sw.js", player.practice_worker, name="practice_worker"),
    path("<str:token>/", player.practice_player, name="practice_player"),
    path("<str:token>/practised/", player.practice_report, name="practice_report"),
    path("<str:token>/figures/<uuid:step_code>/", player.practice_figure, name="practice_figure"),
]
