from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from practice.access import StudioRequest, studio_can, studio_view
from routines import services
from routines.access import get_routine_for_studio
from routines.forms.builder import (
    AddStepForm,
    MoveForm,
    NewRoutineForm,
    ReorderForm,
    RoutineForm,
    StepForm,
    SwapForm,
    VersionForm,
)
from routines.models import Modification, Pose, Routine, RoutineStep, estimated_seconds
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
LIST_FILTERS = {
    "active": Q(status__in=[Routine.Status.DRAFT, Routine.Status.READY]),
    "draft": Q(status=Routine.Status.DRAFT),
    "ready": Q(status=Routine.Status.READY),
    "templates": Q(is_template=True) & ~Q(status=Routine.Status.ARCHIVED),
    "archived": Q(status=Routine.Status.ARCHIVED),
}


def _get_step_for_routine(routine: Routine, code: str) -> RoutineStep:
    return get_object_or_404(routine.steps.select_related("pose", "modification"), code=code)


def _steps_for_builder(request: StudioRequest, routine: Routine) -> list[RoutineStep]:
    """All steps with what their forms offer, in three queries whatever the routine's length."""
    studio = request.studio
    return list(
        routine.steps.select_related("pose", "modification").prefetch_related(
            Prefetch(
                "pose__modifications",
                queryset=Modification.objects.visible_to(studio),
                to_attr="visible_modifications",
            ),
            Prefetch(
                "pose__alternatives",
                queryset=Pose.objects.visible_to(studio).only("code", "name"),
                to_attr="visible_alternatives",
            ),
        )
    )


def _picker_results(request: StudioRequest, query: str) -> list[Pose]:
    poses = (
        Pose.objects.visible_to(request.studio)
        .search(query)
        .only("code", "name", "other_names", "category", "position", "summary", "studio")
    )
    return list(poses[:PICKER_LIMIT])


def _routine_form_initial(request: StudioRequest, routine: Routine) -> dict:
    initial = {"version": routine.version}
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
) -> dict:
    steps = _steps_for_builder(request, routine)
    bound_forms = bound_forms or {}
    rows = []
    for step in steps:
        form = bound_forms.get(str(step.code)) or StepForm(
            instance=step,
            modifications=step.pose.visible_modifications,
            initial={"version": routine.version},
        )
        rows.append((step, form))
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
        "picker_results": _picker_results(request, query),
    }


def _builder_response(
    request: StudioRequest, routine: Routine, status: int = 200, **context_overrides
) -> HttpResponse:
    """After a change: the refreshed builder for htmx, the page itself (or a redirect) without."""
    if request.htmx:
        context = _builder_context(request, routine, **context_overrides)
        return render(request, "routines/routine_detail.html#builder", context, status=status)
    if status >= 400:
        context = _builder_context(request, routine, **context_overrides)
        return render(request, "routines/routine_detail.html", context, status=status)
    return redirect(routine)


def _conflict_response(request: StudioRequest, routine: Routine, **context) -> HttpResponse:
    """Keeps what the person typed on screen and explains why it was not saved."""
    routine.refresh_from_db()
    if request.htmx:
        response = render(
            request,
            "routines/routine_detail.html#conflict",
            {"routine": routine, "conflict": RoutineConflict.message},
            status=409,
        )
        return reswap(retarget(response, "#builder-alert"), "innerHTML")
    messages.error(request, RoutineConflict.message)
    return _builder_response(request, routine, status=409, **context)


def _change_response(
    request: StudioRequest, routine: Routine, change: Callable[[], object], **keep_on_conflict
) -> HttpResponse:
    """Applies one versioned change; a page built on an older version gets the conflict
    message instead of overwriting a teammate's work."""
    try:
        change()
    except RoutineConflict:
        return _conflict_response(request, routine, **keep_on_conflict)
    return _builder_response(request, routine)


def _count_steps(routines: list[Routine]) -> None:
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
    return render(request, "routines/routine_detail.html", _builder_context(request, routine))


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
        return _conflict_response(request, routine, routine_form=form)
    messages.success(request, "Routine details saved.")
    return _builder_response(request, routine)


@require_POST
@studio_view("routines.edit")
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
        return redirect(f"{routine.get_absolute_url()}?q={query}#picker")
    context = {"routine": routine, "picker_results": _picker_results(request, query)}
    return render(request, "routines/routine_detail.html#picker-results", context)


@require_POST
@studio_view("routines.edit")
def step_add(request: StudioRequest, routine_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    form = AddStepForm(request.POST, studio=request.studio)
    if not form.is_valid():
        messages.error(request, "That pose is not in your library. Please pick another.")
        return _builder_response(request, routine, status=400)
    # Adding overwrites nobody's work, so it needs no version check; it still bumps the
    # version, which makes teammates with an older page reload before their next change.
    services.step_add(
        routine=routine,
        pose=form.cleaned_data["pose"],
        expected_version=routine.version,
        by=request.user,
    )
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


@require_POST
@studio_view("routines.edit")
def step_edit(request: StudioRequest, routine_code: str, step_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    step = _get_step_for_routine(routine, step_code)
    modifications = list(step.pose.modifications.visible_to(request.studio))
    form = StepForm(request.POST, instance=step, modifications=modifications)
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
    return _change_response(request, routine, change, bound_forms=bound)


@require_POST
@studio_view("routines.edit")
def step_move(request: StudioRequest, routine_code: str, step_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    step = _get_step_for_routine(routine, step_code)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _builder_response(request, routine, status=400)
    change = partial(
        services.step_move,
        step=step,
        offset=form.offset,
        expected_version=form.cleaned_data["version"],
        by=request.user,
    )
    return _change_response(request, routine, change)


@require_POST
@studio_view("routines.edit")
def step_remove(request: StudioRequest, routine_code: str, step_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    step = _get_step_for_routine(routine, step_code)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _builder_response(request, routine, status=400)
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
    routine = get_routine_for_studio(request, routine_code)
    step = _get_step_for_routine(routine, step_code)
    form = SwapForm(request.POST, step=step, studio=request.studio)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed alternatives.")
        return _builder_response(request, routine, status=400)
    change = partial(
        services.step_swap,
        step=step,
        pose=form.cleaned_data["pose"],
        expected_version=form.cleaned_data["version"],
        by=request.user,
    )
    return _change_response(request, routine, change)
