"""The studio's home page: a to-do list for the signed-in person (see routines/dashboard.py).

It sits in routines, the top of the import order, because it draws on clients and routines;
practice/urls.py points the `studio_dashboard` URL here.
"""

from django.http import HttpResponse
from django.shortcuts import render

from clients import audit
from practice.access import StudioRequest, studio_view
from practice.adapter import RETURNING_SESSION_KEY
from routines.dashboard import todo_for


@studio_view("studio.view")
def studio_dashboard(request: StudioRequest) -> HttpResponse:
    studio = request.studio
    membership = request.membership
    todo = todo_for(studio, membership)
    audit.audit_clients_listed(request, todo.clients_shown(), "dashboard", "shown on the dashboard")
    context = {
        "todo": todo,
        "pending_invitations": studio.invitations.pending().count() if membership.is_owner else 0,
        "profile_incomplete": not (studio.contact_email or studio.phone),
        "needs_two_factor": not request.user.authenticator_set.exists(),
        "returning": request.session.get(RETURNING_SESSION_KEY, False),
    }
    return render(request, "routines/dashboard.html", context)
