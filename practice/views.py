import uuid
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.account.views import SignupView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, IntegerField, When
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_POST
from django_tasks_db.models import DBTaskResult

from practice import hooks, services
from practice.access import SignedInRequest, StudioRequest, studio_can, studio_view
from practice.adapter import (
    LOGIN_SESSION_PENDING_INVITATION,
    pending_invitation,
)
from practice.forms import InvitationForm, RoleForm, StudioCreateForm, StudioSettingsForm
from practice.gentle_words import gentle_notes
from practice.middleware import LOGIN_SESSION_LAST_STUDIO
from practice.models import Invitation, Membership, WorkerHeartbeat
from practice.once import submit_once
from practice.roles import role_summaries
from practice.rules import is_owner


def _get_member_for_studio(request: StudioRequest, code: str) -> Membership:
    return get_object_or_404(request.studio.memberships.select_related("user", "studio"), code=code)


def _get_invitation_for_studio(request: StudioRequest, code: str) -> Invitation:
    return get_object_or_404(request.studio.invitations, code=code)


# Owners first, then instructors, then assistants (the role values sort alphabetically).
ROLE_ORDER = Case(
    *(When(role=role, then=rank) for rank, role in enumerate(Membership.Role.values)),
    output_field=IntegerField(),
)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring; answers within about two seconds.

    503 only when this server cannot serve: its database does not answer. When it can serve
    with less it answers 200 with "status": "degraded" and names what is missing: the cache
    (limits count per process, handouts render afresh) or the task workers (no supervisor seen
    lately: exports and batch prints wait). It names dependencies and nothing else (no
    versions, hosts or error text).
    """
    report: dict = {"status": "ok", "database": _database_check(), "cache": _cache_check()}
    if report["database"] == "ok":
        try:
            # A growing number of waiting tasks means the workers do not keep up.
            report["tasks_waiting"] = DBTaskResult.objects.ready().count()
            report["workers"] = _workers_check()
        except DatabaseError:
            report["database"] = "unreachable"
    if report["database"] != "ok":
        report["status"] = "error"
        return JsonResponse(report, status=503)
    degraded = [name for name in ("cache", "workers") if report[name] != "ok"]
    if degraded:
        report["status"] = "degraded"
        report["degraded"] = degraded
    return JsonResponse(report)


def _database_check() -> str:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A database that accepts connections but hangs must not hang the check.
                cursor.execute("SET LOCAL statement_timeout = 1500")
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "unreachable"
    return "ok"


def _cache_check() -> str:
    # A key of its own per check: overlapping checks never read each other's probe.
    key = f"healthz:probe:{uuid.uuid4().hex}"
    try:
        cache.set(key, key, timeout=10)
        answered = cache.get(key) == key
        cache.delete(key)
    except Exception:  # any backend's connection error: the cache is what failed, not us
        return "unreachable"
    if getattr(cache, "degraded", False):  # Redis did not answer; local memory did
        return "unreachable"
    return "ok" if answered else "not answering"


def _workers_check() -> str:
    recently = timezone.now() - timedelta(seconds=settings.WORKER_SEEN_SECONDS)
    return "ok" if WorkerHeartbeat.objects.filter(seen_at__gte=recently).exists() else "not seen"


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page plus the request id, so a teacher can quote it to support.

    Rendered without context processors, like Django's own: they query the database, which
    may be what failed.
    """
    request_id = getattr(request, "request_id", "")
    body = loader.get_template("500.html").render({"request_id": request_id})
    return HttpResponseServerError(body)


def home(request: SignedInRequest) -> HttpResponse:
    memberships = list(request.user.memberships.select_related("studio"))
    if not memberships:
        return render(request, "practice/no_studio.html", {"form": StudioCreateForm()})
    last_code = request.session.get(LOGIN_SESSION_LAST_STUDIO)
    chosen = next((m for m in memberships if str(m.studio.code) == last_code), memberships[0])
    return redirect(chosen.studio)


@require_POST
@submit_once
def studio_create(request: SignedInRequest) -> HttpResponse:
    form = StudioCreateForm(request.POST)
    if not form.is_valid():
        return render(request, "practice/no_studio.html", {"form": form}, status=400)
    studio = services.studio_create(name=form.cleaned_data["name"], owner=request.user)
    messages.success(request, f"Welcome to {studio.name}. You are its owner.")
    return redirect(studio)


def _team_page(request: StudioRequest, invite_form: InvitationForm, status: int = 200):
    studio = request.studio
    members = list(studio.memberships.select_related("user").order_by(ROLE_ORDER, "user__name"))
    can_manage = studio_can(request, "studio.manage_team")
    context = {
        "members": [(member, RoleForm(initial={"role": member.role})) for member in members],
        "sole_owner": sum(is_owner(member) for member in members) == 1,
        "invitations": studio.invitations.pending().select_related("invited_by")
        if can_manage
        else [],
        "invite_form": invite_form,
        "can_manage": can_manage,
        "role_summaries": role_summaries(studio),
    }
    return render(request, "practice/team.html", context, status=status)


@studio_view("studio.view_team")
def team(request: StudioRequest) -> HttpResponse:
    return _team_page(request, InvitationForm())


@require_POST
@studio_view("studio.manage_team")
@submit_once
def team_invite(request: StudioRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                studio=request.studio,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
                accept_url_for=lambda token: request.build_absolute_uri(
                    reverse("invitation_accept", args=[token])
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("team", request.studio.code)
    return _team_page(request, form, status=400)


@require_POST
@studio_view("studio.manage_team")
def invitation_revoke(request: StudioRequest, invitation_code: str) -> HttpResponse:
    invitation = _get_invitation_for_studio(request, invitation_code)
    invitation.delete()
    messages.success(request, f"The invitation for {invitation.email} was withdrawn.")
    return redirect("team", request.studio.code)


@require_POST
@studio_view("studio.manage_team")
def member_role(request: StudioRequest, member_code: str) -> HttpResponse:
    member = _get_member_for_studio(request, member_code)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_change_role(
                membership=member, role=form.cleaned_data["role"], by=request.membership
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, f"{member.user} is now {member.get_role_display().lower()}.")
    else:
        messages.error(request, "Choose owner, instructor or assistant.")
    if request.htmx:
        member.refresh_from_db()
        context = {
            "member": member,
            "role_form": RoleForm(initial={"role": member.role}),
            "can_manage": True,
            "sole_owner": request.studio.owner_count() == 1,
        }
        return render(request, "practice/team.html#member-row", context)
    return redirect("team", request.studio.code)


@require_POST
@studio_view("studio.manage_team")
def member_remove(request: StudioRequest, member_code: str) -> HttpResponse:
    member = _get_member_for_studio(request, member_code)
    try:
        services.membership_remove(membership=member, by=request.membership)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("team", request.studio.code)
    messages.success(request, f"{member.user} was removed from {request.studio.name}.")
    if member.user_id == request.user.pk:
        return redirect("home")
    return redirect("team", request.studio.code)


@studio_view("studio.change_settings")
def studio_settings(request: StudioRequest) -> HttpResponse:
    form = StudioSettingsForm(request.POST or None, instance=request.studio, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Studio settings saved.")
        return redirect("studio_settings", request.studio.code)
    # The other apps' settings pages (practice/hooks.py): practice names none of them itself.
    context = {"form": form, "settings_links": hooks.settings_links(request.studio.code)}
    status = 400 if request.method == "POST" else 200
    return render(request, "practice/studio_settings.html", context, status=status)


def _has_verified_email(user, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@login_not_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation email: join now, sign in first, or create an account."""
    invitation = Invitation.find_by_token(token)
    if invitation is None or not invitation.is_usable:
        return render(request, "practice/invitation_invalid.html", status=404)
    user = request.user
    if not user.is_authenticated:
        # Opening the emailed link proves the address, so sign-up can skip verification.
        request.session[LOGIN_SESSION_PENDING_INVITATION] = str(invitation.code)
        request.session["account_verified_email"] = invitation.email
        return render(request, "practice/invitation.html", {"invitation": invitation})
    email_matches = _has_verified_email(user, invitation.email)
    if request.method == "POST" and email_matches:
        try:
            membership = services.invitation_accept(invitation=invitation, user=user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("home")
        messages.success(request, f"Welcome to {membership.studio.name}.")
        return redirect(membership.studio)
    context = {"invitation": invitation, "email_matches": email_matches}
    return render(request, "practice/invitation.html", context)


class InvitedSignupView(SignupView):
    """Allauth's sign-up, told about a pending invitation so it joins instead of founding."""

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        kwargs["invitation"] = pending_invitation(self.request)
        return kwargs


signup = InvitedSignupView.as_view()


@require_POST
@studio_view("wording.check")
def wording_note(request: StudioRequest) -> HttpResponse:
    """The gentle note for one field's text as the teacher types (htmx). The text is only
    read: nothing of it is saved, audited or logged."""
    field = request.GET.get("field", "")
    text = request.POST.get(field, "") if field else ""
    return render(request, "practice/_gentle_note.html#notes", {"notes": gentle_notes(text)})
