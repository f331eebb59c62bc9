"""The one way to load a routine in a view: through the studio of the URL."""

from django.shortcuts import get_object_or_404

from practice.access import StudioRequest
from routines.models import Routine, RoutineStep


def get_routine_for_studio(request: StudioRequest, code: str) -> Routine:
    # Through the studio's manager: the tenant filter, and routine.studio costs no query.
    return get_object_or_404(request.studio.routines.select_related("client"), code=code)


def get_step_for_studio(
    request: StudioRequest, routine_code: str, step_code: str
) -> tuple[Routine, RoutineStep]:
    """A step and its routine, both through the studio of the URL (404 for another's)."""
    routine = get_routine_for_studio(request, routine_code)
    step = get_object_or_404(routine.steps.select_related("pose", "modification"), code=step_code)
    return routine, step
