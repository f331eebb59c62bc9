"""The builder's safety actions: apply a fix with one click, or keep a step with a reason.

Both are ordinary versioned builder edits: they answer through the builder's own responses
(refreshed builder for htmx, a redirect without JavaScript, the conflict message when a
teammate changed the routine first).
"""

from functools import partial

from django.http import HttpResponse
from django.views.decorators.http import require_POST

from practice.access import StudioRequest, studio_view
from routines import services
from routines.access import get_step_for_studio
from routines.builder.advisories import routine_safety
from routines.builder.safety_forms import FixForm, KeepForm

# The builder owns its response helpers; these views are part of it, kept apart so that
# builder.py stays small.
from routines.builder.views import _change_response, _refused


@require_POST
@studio_view("routines.edit")
def step_fix(request: StudioRequest, routine_code: str, step_code: str) -> HttpResponse:
    routine, step = get_step_for_studio(request, routine_code, step_code)
    form = FixForm(request.POST, step=step, studio=request.studio)
    if not form.is_valid():
        return _refused(request, routine, "That fix is no longer on offer. Please choose again.")
    change = partial(
        services.step_apply_fix,
        step=step,
        pose=form.cleaned_data["pose"],
        modification=form.cleaned_data["modification"],
        expected_version=form.cleaned_data["version"],
        by=request.user,
    )
    return _change_response(request, routine, change)


@require_POST
@studio_view("routines.edit")
def step_keep(request: StudioRequest, routine_code: str, step_code: str) -> HttpResponse:
    routine, step = get_step_for_studio(request, routine_code, step_code)
    form = KeepForm(request.POST)
    if not form.is_valid():
        field = "reason" if "reason" in form.errors else "version"
        return _refused(request, routine, " ".join(map(str, form.errors.get(field, []))))
    safety = routine_safety(routine, [step], with_fixes=False)
    conflicts = safety.for_step(step).conflict_keys if safety else []
    if not conflicts:
        return _refused(request, routine, "This step has no conflict to keep any more.")
    change = partial(
        services.step_keep,
        step=step,
        reason=form.cleaned_data["reason"],
        conflict_keys=conflicts,
        expected_version=form.cleaned_data["version"],
        by=request.user,
        request=request,
    )
    return _change_response(request, routine, change)
