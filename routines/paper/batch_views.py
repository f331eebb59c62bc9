"""Printing the handouts of several routines at once: a background job making one ZIP."""

import uuid
from typing import cast

from django import forms
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from practice import jobs
from practice.access import StudioRequest, studio_view
from practice.models import BackgroundJob
from routines.tasks import BATCH_PRINT_LIMIT, batch_print


class BatchPrintForm(forms.Form):
    routine = forms.TypedMultipleChoiceField(choices=[], coerce=str)
    large = forms.BooleanField(required=False)
    no_illustrations = forms.BooleanField(required=False)

    def __init__(self, *args, studio, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        chosen = cast(QueryDict, self.data).getlist("routine")[: BATCH_PRINT_LIMIT + 1]
        # Only the studio's own routines among those sent are valid choices.
        codes = studio.routines.filter(code__in=_valid_uuids(chosen)).values_list("code", flat=True)
        cast(forms.ChoiceField, self.fields["routine"]).choices = [
            (str(code), str(code)) for code in codes
        ]

    def clean_routine(self) -> list[str]:
        chosen = self.cleaned_data["routine"]
        if len(chosen) > BATCH_PRINT_LIMIT:
            raise forms.ValidationError(f"Choose at most {BATCH_PRINT_LIMIT} routines at a time.")
        return chosen


def _valid_uuids(values: list[str]) -> list[str]:
    valid = []
    for value in values:
        try:
            valid.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return valid


@require_POST
@studio_view("handouts.print")
def routine_batch_print(request: StudioRequest) -> HttpResponse:
    form = BatchPrintForm(request.POST, studio=request.studio)
    if not form.is_valid():
        messages.error(
            request, f"Tick the routines to print first (at most {BATCH_PRINT_LIMIT} at a time)."
        )
        return redirect("routine_list", request.studio.code)
    job = jobs.start(
        task=batch_print,
        kind=BackgroundJob.Kind.BATCH_PRINT,
        permission="handouts.print",
        studio=request.studio,
        by=request.user,
        params={
            "routines": form.cleaned_data["routine"],
            "large_print": form.cleaned_data["large"],
            "illustrations": not form.cleaned_data["no_illustrations"],
        },
    )
    return redirect("job_detail", request.studio.code, job.code)
