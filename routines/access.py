"""The one way to load a routine in a view: through the studio of the URL."""

from django.shortcuts import get_object_or_404

from practice.access import StudioRequest
from routines.models import Routine


def get_routine_for_studio(request: StudioRequest, code: str) -> Routine:
    # Through the studio's manager: the tenant filter, and routine.studio costs no query.
    return get_object_or_404(request.studio.routines.select_related("client"), code=code)
