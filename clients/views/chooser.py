"""The client chooser's search: radio buttons for htmx, a search page without JavaScript."""

import re
from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from clients.chooser import CHOOSER_LIMIT, client_label, client_matches
from clients.models import Client
from practice.access import StudioRequest, studio_view

FIELD_NAME = re.compile(r"^[a-z_]{1,40}$")


@dataclass(frozen=True)
class Match:
    code: str
    label: str
    full_name: str
    namesake_hint: str
    link: str


def _return_url(request: StudioRequest) -> str:
    """Only a page of this studio: the chooser must not become an open redirect."""
    target = request.GET.get("next", "")
    studio_prefix = f"/studios/{request.studio.code}/"
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    return target if safe and target.startswith(studio_prefix) else ""


def _link(client: Client, field: str, return_url: str, request: StudioRequest) -> str:
    if not return_url:
        return reverse("client_detail", args=[request.studio.code, client.code])
    base, _, fragment = return_url.partition("#")
    separator = "&" if "?" in base else "?"
    link = f"{base}{separator}{field}={client.code}"
    return f"{link}#{fragment}" if fragment else link


@studio_view("clients.view")
def client_choose(request: StudioRequest) -> HttpResponse:
    field = request.GET.get("field", "client")
    if not FIELD_NAME.match(field):
        field = "client"
    query = request.GET.get("q", "").strip()[:100]
    include_archived = request.GET.get("archived") == "1"
    found, more = client_matches(request.studio, query, include_archived=include_archived)
    return_url = _return_url(request)
    matches = [
        Match(
            code=str(client.code),
            label=client_label(client),
            full_name=client.full_name,
            namesake_hint=client.namesake_hint,
            link=_link(client, field, return_url, request),
        )
        for client in found
    ]
    context = {
        "field": field,
        "query": query,
        "matches": matches,
        "more": more,
        "limit": CHOOSER_LIMIT,
        "archived": include_archived,
        "next": return_url,
    }
    template = (
        "clients/client_choose.html#matches" if request.htmx else "clients/client_choose.html"
    )
    return render(request, template, context)
