"""The studio's home page: a to-do list for the signed-in person (see routines/dashboard/todo.py).

It sits in routines, the top of the import order, because it draws on clients and routines;
routines/urls.py names it `studio_dashboard`, at the root of the studio's URLs.
"""

import rules
from allauth.mfa.models import Authenticator
from django.http import HttpResponse
from django.shortcuts import render

from clients import audit
from practice.access import StudioRequest, studio_view
from practice.adapter import LOGIN_SESSION_RETURNING
from routines.dashboard.todo import todo_for


@studio_view("studio.view")
def studio_dashboard(request: StudioRequest) -> HttpResponse:
    studio = request.studio
    membership = request.membership
    todo = todo_for(studio, membership)
    can_invite = rules.test_rule("studio.manage_team", membership)
    audit.audit_clients_listed(request, todo.clients_shown(), "dashboard", "shown on the dashboard")
    context = {
        "todo": todo,
        "can_invite": can_invite,
        "pending_invitations": studio.invitations.pending().count() if can_invite else 0,
        "profile_incomplete": not (studio.contact_email or studio.phone),
        "needs_two_factor": not Authenticator.objects.filter(user=request.user).exists(),
        "returning": request.session.get(LOGIN_SESSION_RETURNING, False),
    }
    return render(request, "routines/dashboard.html", context)
