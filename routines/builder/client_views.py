"""A new routine tailored for one client, started from the client's page.

It lives in routines, not clients, because it builds a routine and imports run one way
(routines -> clients -> practice); its URL still sits under the client's
(studios/<studio>/clients/<client>/routines/new/), wired in `routines/urls.py`.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from clients import audit
from clients.access import get_client_for_studio
from clients.models import AuditEvent
from practice.access import StudioRequest, studio_view
from practice.once import submit_once
from routines import services
from routines.builder.forms import NewRoutineForm


@studio_view("clients.edit")
@submit_once
def client_routine_create(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    form = NewRoutineForm(
        request.POST or None,
        studio=request.studio,
        initial={"title": f"Practice for {client.preferred_name}"},
    )
    if request.method == "POST" and form.is_valid():
        routine = services.routine_start(
            studio=request.studio,
            by=request.user,
            title=form.cleaned_data["title"],
            template=form.cleaned_data["template"],
            client=client,
        )
        messages.success(request, f"A routine tailored for {client.preferred_name} is ready.")
        return redirect(routine)
    if request.method == "GET":
        audit.audit_client(
            request, client, AuditEvent.Action.VIEW, "client", "new routine form opened"
        )
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "client": client}
    return render(request, "clients/client_routine_form.html", context, status=status)
