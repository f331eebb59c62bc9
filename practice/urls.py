from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from clients.urls import public_patterns as clients_public_patterns
from practice import job_views, views
from routines.urls import public_patterns as routines_public_patterns

# The admin signs in through allauth too: same rate limits, two-factor and session rules.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Groundwork administration"
handler500 = "practice.views.server_error"

# Under studios/<studio_code>/jobs/: background jobs of the studio (practice/jobs.py).
job_patterns = [
    path("<uuid:job_code>/", job_views.job_detail, name="job_detail"),
    path("<uuid:job_code>/download/", job_views.job_download, name="job_download"),
    path("<uuid:job_code>/retry/", job_views.job_retry, name="job_retry"),
]

# Each app's studio pages come from its one urls.py (the dashboard is routines').
studio_patterns: list[URLPattern | URLResolver] = [
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
    path("jobs/", include(job_patterns)),
    path("", include("routines.urls")),
    path("", include("clients.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("maintenance/keys/", job_views.key_rotation, name="key_rotation"),
    path("studios/new/", views.studio_create, name="studio_create"),
    path("studios/<uuid:studio_code>/", include(studio_patterns)),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # A teacher's calendar link, a client's intake and practice links: public, the token is
    # the key.
    *clients_public_patterns,
    *routines_public_patterns,
    path("accounts/signup/", views.signup, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
