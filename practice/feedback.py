"""Telling a person how an action went, in one place for every app."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def report_outcome(request: HttpRequest, action: Callable[[], object], success: str) -> None:
    """Runs a service call; a refusal (ValidationError) is shown in the service's own words,
    otherwise `success` is."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
