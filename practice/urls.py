from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from clients.sessions.views import calendar_feed
from practice import job_views, views
from routines.dashboard.views import studio_dashboard

# The admin signs in through allauth too: same rate limits, two-factor and session rules.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Groundwork administration"
handler500 = "practice.views.server_error"

studio_patterns: list[URLPattern | URLResolver] = [
    path("", studio_dashboard, name="studio_dashboard"),
    path("team/", views.team, name="team"),
    path("team/invite/", views.team_invite, name="team_invite"),
    path(
        "team/invitations/<uuid:invitation_code>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("team/members/<uuid:member_code>/role/", views.member_role, name="member_role"),
    path("team/members/<uuid:member_code>/remove/", views.member_remove, name="member_remove"),
    path("settings/", views.studio_settings, name="studio_settings"),
    path("wording/", views.wording_note, name="wording_note"),
    path("library/", include("routines.pose_urls")),
    path("routines/", include("routines.urls")),
    path("clients/", include("clients.urls")),
    # A routine for a client is routines' page, though its URL sits under the client's.
    path("clients/", include("routines.client_urls")),
    path("consent/", include("clients.consent_text_urls")),
    path("print/", include("routines.print_urls")),
    path("jobs/", include("practice.job_urls")),
    path("sessions/", include("clients.session_urls")),
    path("sessions/", include("routines.session_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("maintenance/keys/", job_views.key_rotation, name="key_rotation"),
    path("studios/new/", views.studio_create, name="studio_create"),
    path("studios/<uuid:studio_code>/", include(studio_patterns)),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # A teacher's secret calendar link: calendar apps cannot sign in (see clients/sessions/calendar.py).
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
    # A client's practice link: public, the token is the key (see routines/paper/practice_links.py).
    path("p/", include("routines.player_urls")),
    # A client's intake link: public, the token is the key (see clients/intake_links.py).
    path("i/", include("clients.intake_link_public_urls")),
    path("accounts/signup/", views.signup, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
