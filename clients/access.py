"""The one way to load a client in a view: through the studio of the URL, never erased ones."""

from django.shortcuts import get_object_or_404

from clients.models import Client
from practice.access import StudioRequest


def get_client_for_studio(request: StudioRequest, code: str) -> Client:
    return get_object_or_404(request.studio.clients.exclude(status=Client.Status.ERASED), code=code)
