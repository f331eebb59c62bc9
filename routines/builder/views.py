from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.datastructures import MultiValueDict
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from clients import audit
from clients.models import AuditEvent
from practice.access import StudioRequest, studio_can, studio_view
from practice.gentle_words import gentle_notes
from practice.models import Studio
from practice.once import submit_once
from routines import services
from routines.access import get_routine_for_studio, get_step_for_studio
from routines.builder.advisories import (
    audit_safety_view,
    builder_safety_context,
    may_see_advisories,
    picker_poses,
    routine_intake,
    suits_filter_on,
)
from routines.builder.forms import (
    AddStepForm,
    MoveForm,
    NewRoutineForm,
    OtherWayForm,
    ReorderForm,
    RoutineForm,
    StepForm,
    SwapForm,
    VersionForm,
)
from routines.builder.other_ways import listed_ways
from routines.models import Pose, Routine, RoutineStep, estimated_seconds
from routines.services import RoutineConflict

PICKER_LIMIT = 30
ROUTINE_LIST_COLUMNS = (
    "code",
    "studio",
    "title",
    "status",
    "is_template",
    "updated_at",
    "updated_by__name",
    "updated_by__email",
)
# Without JavaScript a refused edit is answered with a redirect (so reloading the answer never
# resubmits the stale form); what the person typed waits here for that one page view. It is the
# routine's own text, which the database already holds in the same form.
LOGIN_SESSION_KEPT_EDIT = "routine-builder-kept-edit"
DETAILS_FORM = "details"
CONFLICT_KEPT = (
    "Someone else changed this routine while you were editing it, so your change is not saved. "
    "The page now shows their changes, and what you typed is kept in its form: look it over, "
    "then save again if you still want it."
)
CONFLICT_REDONE = (
    "Someone else changed this routine while you were editing it, so your change was not made. "
    "The page now shows their changes: you might make yours again."
)
LIST_FILTERS = {
    "active": Q(status__in=[Routine.Status.DRAFT, Routine.Status.READY]),
    "draft": Q(status=Routine.Status.DRAFT),
    "ready": Q(status=Routine.Status.READY),
    "templates": Q(is_template=True) & ~Q(status=Routine.Status.ARCHIVED),
    "archived": Q(status=Routine.Status.ARCHIVED),
}


def _steps_for_builder(routine: Routine) -> list[RoutineStep]:
    """All steps with their poses and chosen modifications, in one query. What each step's
    editor offers is loaded only for an editor that is open (see _step_editor)."""
    return list(routine.steps.select_related("pose", "modification"))


def _step_editor(
    studio: Studio, step: RoutineStep, version: int, data=None
) -> tuple[StepForm, list[Pose]]:
    """One step's edit form and the alternatives it may be swapped for, in two queries.

    The builder renders editors closed and empty: the teacher opens one (htmx fetches it from
    step_edit, or ?edit=<step> without JavaScript). Rendering every step's form with its
    modification select on every page view was most of the builder's time and size.
    """
    modifications = list(step.pose.modifications.visible_to(studio))
    form = StepForm(data, instance=step, modifications=modifications, initial={"version": version})
    alternatives = list(step.pose.alternatives.visible_to(studio).only("code", "name"))
    # The ways offered beside the step on paper and in the player, to pin or remove.
    step.listed_ways = listed_ways(step.routine, step)
    return form, alternatives


@dataclass
class Picker:
    poses: list[Pose]
    # Names of poses that match the search but the "Suits <client>" filter hid, so the picker
    # can say so (and offer to show them) rather than answer that nothing matches.
    hidden: list[str]


def _picker(request: StudioRequest, query: str, routine: Routine) -> Picker:
    matching = Pose.objects.visible_to(request.studio).search(query)
    poses = picker_poses(
        request,
        routine,
        matching.only(
            *("code", "name", "other_names", "category", "position", "summary", "studio"),
            # The picker's small figure.
            "figure",
            # What the safety checker reads to tell whether a pose suits the client.
            *("attributes", "teacher_notes", "both_sides"),
        ),
        PICKER_LIMIT,
    )
    return Picker(poses=poses, hidden=_hidden_by_filter(request, query, routine, matching, poses))


def _hidden_by_filter(
    request: StudioRequest, query: str, routine: Routine, matching, shown: list[Pose]
) -> list[str]:
    """What the filter hid from a search. Fewer results than the limit means every match was
    checked, so a match not shown is one that conflicts; one query, and only for a search."""
    if not query.strip() or len(shown) >= PICKER_LIMIT or not suits_filter_on(request):
        return []
    if not may_see_advisories(request) or routine_intake(routine) is None:
        return []
    shown_codes = {pose.code for pose in shown}
    return [
        name
        for code, name in matching.values_list("code", "name")[:PICKER_LIMIT]
        if code not in shown_codes
    ]


def _routine_form_initial(request: StudioRequest, routine: Routine) -> dict:
    initial: dict[str, int | str] = {"version": routine.version}
    # The client search page (without JavaScript) sends the chosen client back as ?client=.
    if picked := request.GET.get("client"):
        initial["client"] = picked
    return initial


def _builder_context(
    request: StudioRequest,
    routine: Routine,
    *,
    bound_forms: dict[str, StepForm] | None = None,
    routine_form: RoutineForm | None = None,
    focus: tuple[object, str] | None = None,
) -> dict:
    steps = _steps_for_builder(routine)
    bound_forms = bound_forms or {}
    # Without JavaScript "Edit step" links here with ?edit=<step>, which opens that editor.
    editing = request.GET.get("edit", "")
    rows = []
    first_of_kind: dict[tuple[int, int | None], int] = {}
    for number, step in enumerate(steps, start=1):
        # The same pose with the same modification twice prints the same page twice: the
        # builder says so (one-click fixes can land two steps on one option), and the teacher
        # decides whether to remove one.
        step.same_as = first_of_kind.setdefault((step.pose_id, step.modification_id), number)
        if step.same_as == number:
            step.same_as = None
        code = str(step.code)
        form = bound_forms.get(code)
        alternatives: list[Pose] = []
        if form is not None or code == editing:
            unbound, alternatives = _step_editor(request.studio, step, routine.version)
            form = form or unbound
        rows.append((step, form, alternatives))
    query = request.GET.get("q", "")
    return {
        "routine": routine,
        "rows": rows,
        "estimated_minutes": round(estimated_seconds(steps) / 60),
        "can_edit": studio_can(request, "routines.edit"),
        "routine_form": routine_form
        or RoutineForm(
            instance=routine, studio=request.studio, initial=_routine_form_initial(request, routine)
        ),
        "picker_query": query,
        # The page draws the picker's results only for a search sent without JavaScript (the
        # search form, or step_picker's redirect); otherwise htmx fetches them from step_picker.
        "picker_searched": "q" in request.GET,
        # Searched only if the page draws the results (see picker_searched).
        "picker": SimpleLazyObject(partial(_picker, request, query, routine)),
        "picker_suits": suits_filter_on(request),
        "focus_step": focus[0] if focus else None,
        "focus_direction": focus[1] if focus else None,
        **builder_safety_context(request, routine, steps),
    }


def _builder_page(
    request: StudioRequest, routine: Routine, status: int = 200, **context_overrides
) -> HttpResponse:
    """The whole builder page, the only answer here that names the client (if any)."""
    if routine.client is not None:
        audit.audit_client(
            request,
            routine.client,
            AuditEvent.Action.VIEW,
            "routine",
            "tailored routine opened",
            record_code=routine.code,
        )
    context = _builder_context(request, routine, **context_overrides)
    return render(request, "routines/routine_detail.html", context, status=status)


def _builder_response(
    request: StudioRequest, routine: Routine, status: int = 200, **context_overrides
) -> HttpResponse:
    """After a change: the refreshed builder for htmx, the page itself (or a redirect) without."""
    if request.htmx:
        context = _builder_context(request, routine, **context_overrides)
        template = "routines/routine_detail.html#builder-change"
        return render(request, template, context, status=status)
    if status >= 400:
        return _builder_page(request, routine, status, **context_overrides)
    return redirect(routine)


def _conflict_response(
    request: StudioRequest, routine: Routine, keep: str | None = None
) -> HttpResponse:
    """Explains why the change was not saved, keeping what the person typed in the form `keep`
    (DETAILS_FORM or a step's code): over htmx it simply stays on screen, and the message's
    reload link is a GET."""
    if request.htmx:
        response = render(
            request,
            "routines/routine_detail.html#conflict",
            {"routine": routine, "conflict": RoutineConflict.message},
            status=409,
        )
        return reswap(retarget(response, "#builder-alert"), "innerHTML")
    if keep is not None:
        typed = {
            name: values
            for name, values in request.POST.lists()
            if name not in {"csrfmiddlewaretoken", "version"}
        }
        request.session[LOGIN_SESSION_KEPT_EDIT] = {
            "routine": str(routine.code),
            "form": keep,
            "data": typed,
        }
    messages.error(request, CONFLICT_KEPT if keep is not None else CONFLICT_REDONE)
    return HttpResponseRedirect(routine.get_absolute_url(), status=303)


def _kept_edit(request: StudioRequest, routine: Routine) -> dict:
    """The form refused for a conflict, refilled with what was typed and now based on the
    current version: the page shows the teammate's changes, so saving it is a choice."""
    kept = request.session.pop(LOGIN_SESSION_KEPT_EDIT, None)
    if not kept or kept["routine"] != str(routine.code):
        return {}
    data = MultiValueDict(kept["data"])
    data.setlist("version", [str(routine.version)])
    if kept["form"] == DETAILS_FORM:
        # A separate instance: validating the form must not change the routine on the page.
        instance = Routine.objects.get(pk=routine.pk)
        return {"routine_form": RoutineForm(data, instance=instance, studio=request.studio)}
    step = routine.steps.select_related("pose", "modification").filter(code=kept["form"]).first()
    if step is None:  # the teammate removed it: nothing left to edit
        return {}
    form, _ = _step_editor(request.studio, step, routine.version, data)
    return {"bound_forms": {kept["form"]: form}}


def _refused(request: StudioRequest, routine: Routine, message: str = "") -> HttpResponse:
    """A step action whose form no longer fits the page: the builder again, saying why."""
    if message:
        messages.error(request, message)
    return _builder_response(request, routine, status=400)


def _change_response(
    request: StudioRequest,
    routine: Routine,
    change: Callable[[], object],
    keep: str | None = None,
    after: Callable[[], dict] | None = None,
) -> HttpResponse:
    """Applies one versioned change; a page built on an older version gets the conflict
    message instead of overwriting a teammate's work. `after` adds to the refreshed builder."""
    try:
        change()
    except RoutineConflict:
        return _conflict_response(request, routine, keep)
    return _builder_response(request, routine, **(after() if after else {}))


def _move_focus(routine: Routine, step: RoutineStep, direction: str) -> dict:
    """Keyboard focus after a move stays on the moved step's button, or on its other move
    button once the step reaches the end where this one is disabled."""
    order = list(routine.steps.values_list("code", flat=True))
    index = order.index(step.code)
    if direction == "up" and index == 0:
        direction = "down"
    elif direction == "down" and index == len(order) - 1:
        direction = "up"
    return {"focus": (step.code, direction)}


def _count_steps(routines: Iterable[Routine]) -> None:
    """Step counts for one page of routines: counting before paging counted every routine."""
    counts = dict(
        RoutineStep.objects.filter(routine__in=routines)
        .values_list("routine")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for routine in routines:
        routine.step_count = counts.get(routine.pk, 0)


@studio_view("routines.view")
def routine_list(request: StudioRequest) -> HttpResponse:
    shown = request.GET.get("show", "active")
    routines = (
        request.studio.routines.filter(LIST_FILTERS.get(shown, LIST_FILTERS["active"]))
        .select_related("updated_by")
        .only(*ROUTINE_LIST_COLUMNS)
        .order_by("-updated_at", "-pk")
    )
    query = request.GET.get("q", "").strip()
    if query:
        routines = routines.filter(title__icontains=query)
    page = Paginator(routines, 25).get_page(request.GET.get("page"))
    _count_steps(page.object_list)
    context = {
        "page": page,
        "shown": shown,
        "query": query,
        "filters": LIST_FILTERS,
        "can_edit": studio_can(request, "routines.edit"),
    }
    template = (
        "routines/routine_list.html#results" if request.htmx else "routines/routine_list.html"
    )
    return render(request, template, context)


@studio_view("routines.edit")
@submit_once
def routine_create(request: StudioRequest) -> HttpResponse:
    studio = request.studio
    form = NewRoutineForm(
        request.POST or None, studio=studio, initial={"template": request.GET.get("template")}
    )
    if request.method == "POST" and form.is_valid():
        routine = services.routine_start(
            studio=studio,
            by=request.user,
            title=form.cleaned_data["title"],
            template=form.cleaned_data["template"],
        )
        messages.success(request, f"“{routine.title}” is ready for its first steps.")
        return redirect(routine)
    status = 400 if request.method == "POST" else 200
    return render(request, "routines/routine_new.html", {"form": form}, status=status)


@studio_view("routines.view")
def routine_detail(request: StudioRequest, routine_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    kept = _kept_edit(request, routine)
    # 409 while it shows an edit that was refused; reloading it is a GET that shows no more.
    return _builder_page(request, routine, 409 if kept else 200, **kept)


@require_POST
@studio_view("routines.edit")
def routine_edit(request: StudioRequest, routine_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    form = RoutineForm(
        request.POST, instance=Routine.objects.get(pk=routine.pk), studio=request.studio
    )
    if not form.is_valid():
        return _builder_response(request, routine, status=400, routine_form=form)
    changes = {name: form.cleaned_data[name] for name in RoutineForm.Meta.fields}
    try:
        services.routine_update(
            routine=routine,
            expected_version=form.cleaned_data["version"],
            by=request.user,
            **changes,
        )
    except RoutineConflict:
        return _conflict_response(request, routine, keep=DETAILS_FORM)
    messages.success(request, "Routine details saved.")
    return _builder_response(request, routine)


@require_POST
@studio_view("routines.edit")
@submit_once
def routine_duplicate(request: StudioRequest, routine_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    copy = services.routine_copy(routine=routine, studio=request.studio, by=request.user)
    messages.success(request, f"Made a copy: “{copy.title}”.")
    return redirect(copy)


@require_POST
@studio_view("routines.edit")
def routine_archive(request: StudioRequest, routine_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    services.routine_archive(routine=routine, by=request.user)
    messages.success(request, f"“{routine.title}” is archived. You can restore it any time.")
    return redirect("routine_list", request.studio.code)


@require_POST
@studio_view("routines.edit")
def routine_restore(request: StudioRequest, routine_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    services.routine_restore(routine=routine, by=request.user)
    messages.success(request, f"“{routine.title}” is back, as a draft.")
    return redirect(routine)


@studio_view("routines.edit")
def step_picker(request: StudioRequest, routine_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    query = request.GET.get("q", "")
    if not request.htmx:
        return redirect(f"{routine.get_absolute_url()}?{request.GET.urlencode()}#picker")
    if may_see_advisories(request):
        # Results checked (and, with the filter on, narrowed) against the client's record.
        audit_safety_view(request, routine.client, "pose picker")
    context = {
        "routine": routine,
        "picker_query": query,
        "picker": _picker(request, query, routine),
        # "Show it" turns the "Suits" filter off: the switch is redrawn unticked to match.
        "picker_reveal": request.GET.get("reveal") == "1",
        "picker_suits": suits_filter_on(request),
        "safety_shown": may_see_advisories(request),
    }
    return render(request, "routines/routine_detail.html#picker-results", context)


@require_POST
@studio_view("routines.edit")
def step_add(request: StudioRequest, routine_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    form = AddStepForm(request.POST, studio=request.studio)
    if not form.is_valid():
        return _refused(request, routine, "That pose is not in your library. Please pick another.")
    services.step_add(routine=routine, pose=form.cleaned_data["pose"], by=request.user)
    return _builder_response(request, routine)


@require_POST
@studio_view("routines.edit")
def steps_reorder(request: StudioRequest, routine_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    form = ReorderForm(request.POST, routine=routine)
    if not form.is_valid():
        return _conflict_response(request, routine)
    change = partial(
        services.steps_reorder,
        routine=routine,
        step_codes=form.cleaned_data["step"],
        expected_version=form.cleaned_data["version"],
        by=request.user,
    )
    return _change_response(request, routine, change)


def _step_editor_response(
    request: StudioRequest, routine: Routine, step: RoutineStep
) -> HttpResponse:
    if not request.htmx:
        return redirect(_editor_url(routine, step))
    # The version of the page the editor opens on (its URL carries it), not the newest: a
    # form must never claim a version the teacher has not seen (RoutineConflict otherwise).
    try:
        version = max(int(request.GET.get("version", "")), 1)
    except ValueError:
        version = routine.version
    if routine.client is not None:
        # The editor shows what was written for the client and the step's safety reasons.
        audit.audit_client(
            request,
            routine.client,
            AuditEvent.Action.VIEW,
            "routine",
            "step of a tailored routine opened",
            record_code=routine.code,
        )
    form, alternatives = _step_editor(request.studio, step, version)
    context = {"routine": routine, "step": step, "form": form, "alternatives": alternatives}
    return render(request, "routines/routine_detail.html#step-editor", context)


@require_http_methods(["GET", "POST"])
@studio_view("routines.edit")
def step_edit(request: StudioRequest, routine_code: str, step_code: str) -> HttpResponse:
    """GET: the step's editor, fetched by htmx when the teacher opens it (a plain GET opens
    it on the builder page instead). POST: saves the step."""
    routine, step = get_step_for_studio(request, routine_code, step_code)
    if request.method == "GET":
        return _step_editor_response(request, routine, step)
    form, _ = _step_editor(request.studio, step, routine.version, request.POST)
    bound = {str(step.code): form}
    if not form.is_valid():
        return _builder_response(request, routine, status=400, bound_forms=bound)
    change = partial(
        services.step_update,
        step=step,
        expected_version=form.cleaned_data["version"],
        by=request.user,
        **form.step_changes(),
    )
    if not gentle_notes(form.cleaned_data["cue"]):
        return _change_response(request, routine, change, keep=str(step.code))
    # The cue was saved, and its gentle note stays in sight: the step's editor opens again.
    return _change_with_editor_open(request, routine, step, change, keep=str(step.code))


def _change_with_editor_open(
    request: StudioRequest,
    routine: Routine,
    step: RoutineStep,
    change: Callable[[], object],
    keep: str | None = None,
) -> HttpResponse:
    """Applies the change and answers with the step's editor still open, at its new version."""

    def reopened() -> dict:
        routine.refresh_from_db(fields=["version"])
        form, _ = _step_editor(request.studio, step, routine.version)
        return {"bound_forms": {str(step.code): form}}

    response = _change_response(request, routine, change, keep=keep, after=reopened)
    if not request.htmx and response.status_code == HTTPStatus.FOUND:
        return redirect(_editor_url(routine, step))
    return response


def _editor_url(routine: Routine, step: RoutineStep) -> str:
    return f"{routine.get_absolute_url()}?edit={step.code}#edit-{step.code}"


@require_POST
@studio_view("routines.edit")
def step_move(request: StudioRequest, routine_code: str, step_code: str) -> HttpResponse:
    routine, step = get_step_for_studio(request, routine_code, step_code)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _refused(request, routine)
    change = partial(
        services.step_move,
        step=step,
        offset=form.offset,
        expected_version=form.cleaned_data["version"],
        by=request.user,
    )
    after = partial(_move_focus, routine, step, form.cleaned_data["direction"])
    return _change_response(request, routine, change, after=after)


@require_POST
@studio_view("routines.edit")
def step_remove(request: StudioRequest, routine_code: str, step_code: str) -> HttpResponse:
    routine, step = get_step_for_studio(request, routine_code, step_code)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _refused(request, routine)
    change = partial(
        services.step_remove,
        step=step,
        expected_version=form.cleaned_data["version"],
        by=request.user,
    )
    return _change_response(request, routine, change)


@require_POST
@studio_view("routines.edit")
def step_swap(request: StudioRequest, routine_code: str, step_code: str) -> HttpResponse:
    routine, step = get_step_for_studio(request, routine_code, step_code)
    form = SwapForm(request.POST, step=step, studio=request.studio)
    if not form.is_valid():
        return _refused(request, routine, "Choose one of the listed alternatives.")
    change = partial(
        services.step_swap,
        step=step,
        pose=form.cleaned_data["pose"],
        expected_version=form.cleaned_data["version"],
        by=request.user,
    )
    return _change_response(request, routine, change)


@require_POST
@studio_view("routines.edit")
def step_other_way(request: StudioRequest, routine_code: str, step_code: str) -> HttpResponse:
    """Pin, unpin, remove or offer again one of the step's other ways; its editor stays open."""
    routine, step = get_step_for_studio(request, routine_code, step_code)
    form = OtherWayForm(request.POST, step=step, studio=request.studio)
    if not form.is_valid():
        return _refused(request, routine, "Choose one of the listed ways.")
    change = partial(
        services.step_other_way,
        step=step,
        key=form.cleaned_data["way"],
        action=form.cleaned_data["action"],
        expected_version=form.cleaned_data["version"],
        by=request.user,
    )
    return _change_with_editor_open(request, routine, step, change)
