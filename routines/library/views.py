from typing import NamedTuple, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from clients.models import Client
from practice.access import StudioRequest, studio_can, studio_view
from practice.once import submit_once
from routines import services
from routines.builder.advisories import (
    audit_safety_view,
    may_see_advisories,
    poses_suiting,
    studio_today,
)
from routines.library.figures import SIZES, figure_svg, figure_title, pose_figure
from routines.library.forms import ModificationForm, PoseFigureForm, PoseFilterForm, PoseForm
from routines.library.vocabulary import Movement, labels
from routines.models import Modification, Pose, PoseQuerySet


def _get_pose_for_studio(request: StudioRequest, code: str) -> Pose:
    """A library pose or one of the studio's own; another studio's pose is a 404."""
    return get_object_or_404(Pose.objects.visible_to(request.studio), code=code)


def _get_own_pose_for_studio(request: StudioRequest, code: str) -> Pose:
    pose = _get_pose_for_studio(request, code)
    if pose.is_library:
        # The shared library is read-only for studios: "Copy to adapt" is the way to change it.
        raise PermissionDenied
    return pose


def _get_own_modification_for_studio(request: StudioRequest, pose: Pose, code: str) -> Modification:
    modification = get_object_or_404(pose.modifications.visible_to(request.studio), code=code)
    if modification.studio_id is None:
        raise PermissionDenied
    return modification


def _filtered_poses(request: StudioRequest, filters: dict) -> PoseQuerySet:
    poses = Pose.objects.visible_to(request.studio)
    if "q" in filters:
        poses = poses.search(filters["q"])
    if "position" in filters:
        poses = poses.filter(position=filters["position"])
    if "category" in filters:
        poses = poses.filter(category=filters["category"])
    # Movements and body areas are JSON lists. `__contains` on a JSONField means JSON
    # containment, which SQLite does not support; `__icontains` compares the stored JSON text
    # on SQLite and PostgreSQL alike. Matching the value with its quotes ('"twist"') finds
    # exactly one list item, never a word inside another value.
    if "body_area" in filters:
        poses = poses.filter(body_areas__icontains=f'"{filters["body_area"]}"')
    if "attribute" in filters:
        poses = poses.filter(attributes__icontains=f'"{filters["attribute"]}"')
    for movement in filters.get("without", []):
        poses = poses.exclude(attributes__icontains=f'"{movement}"')
    return poses.order_by(Lower("name"))


def _suiting(request: StudioRequest, poses: list[Pose], client_code: str) -> list[Pose]:
    """The "suits client…" choice: poses that raise no conflict for them as they are."""
    client = (
        Client.objects.for_studio(request.studio)
        .prefetch_related("precautions", "triggers")
        .get(code=client_code)
    )
    audit_safety_view(request, client, "pose library")
    return poses_suiting(client, poses, studio_today(request.studio))


class _ModificationRow(NamedTuple):
    modification: Modification
    removes: list[str]
    reduces: list[str]
    adds: list[str]


def _modification_rows(pose: Pose) -> list[_ModificationRow]:
    return [
        _ModificationRow(
            modification,
            labels(Movement, modification.removes),
            labels(Movement, modification.reduces),
            labels(Movement, modification.adds),
        )
        for modification in pose.visible_modifications
    ]


def _figure_preview_url(request: StudioRequest, pose: Pose | None) -> str:
    if pose is None:
        return reverse("pose_figure_preview", args=[request.studio.code])
    return reverse("pose_edit_figure_preview", args=[request.studio.code, pose.code])


def _pose_form_page(
    request: StudioRequest,
    form: PoseForm,
    figure_form: PoseFigureForm,
    pose: Pose | None,
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "figure_form": figure_form, "pose": pose}
    return render(request, "routines/pose_form.html", context, status=status)


def _pose_form(request: StudioRequest, instance: Pose, pose: Pose | None) -> HttpResponse | Pose:
    """The pose form for a new pose (`pose` None) or an existing one: the page to show, or
    the saved pose. The figure's Preview and Start-again buttons (without JavaScript) show the
    page again with everything as typed, and save nothing."""
    studio = request.studio
    preview_url = _figure_preview_url(request, pose)
    if request.method != "POST":
        form = PoseForm(instance=instance, studio=studio)
        figure_form = PoseFigureForm(pose=pose, preview_url=preview_url)
        return _pose_form_page(request, form, figure_form, pose)
    form = PoseForm(request.POST, request.FILES, instance=instance, studio=studio)
    # A post without the figure's fields (a script, a page from before figures) leaves the
    # figure as it is.
    figure_sent = "figure-drawing" in request.POST
    figure_form = PoseFigureForm(
        request.POST if figure_sent else None, pose=pose, preview_url=preview_url
    )
    action = request.POST.get("figure-action")
    if action in ("preview", "restart"):
        if action == "restart":
            figure_form = figure_form.restarted()
        status = 400 if figure_form.is_bound and not figure_form.is_valid() else 200
        return _pose_form_page(request, form.unchecked(), figure_form, pose, status=status)
    # Both forms are checked, so every mistake is marked at once.
    figure_valid = not figure_sent or figure_form.is_valid()
    if not (form.is_valid() and figure_valid):
        return _pose_form_page(request, form, figure_form, pose, status=400)
    if figure_sent:
        form.instance.figure = figure_form.figure()
    return form.save()


@studio_view("poses.view")
def pose_list(request: StudioRequest) -> HttpResponse:
    suits_for = request.studio if may_see_advisories(request) else None
    form = PoseFilterForm(request.GET, suits_for=suits_for)
    filters = form.active_filters()
    # A list, not a queryset: the count below is its length, not a second query.
    poses = list(_filtered_poses(request, filters))
    if "suits" in filters:
        poses = _suiting(request, poses, cast(str, filters["suits"]))  # one client's code
    context = {
        "form": form,
        "poses": poses,
        "filtered": bool(filters),
        "can_manage": studio_can(request, "poses.manage"),
    }
    template = "routines/pose_list.html"
    if request.htmx:
        response = render(request, f"{template}#results", context)
        # The address bar shows only the filters in use, not every empty field of the form.
        query = urlencode(filters, doseq=True)
        push_url(response, f"{request.path}?{query}" if query else request.path)
    else:
        response = render(request, template, context)
    # The same URL answers with a fragment or a page: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@studio_view("poses.view")
def pose_detail(request: StudioRequest, pose_code: str) -> HttpResponse:
    studio = request.studio
    visible_poses = Pose.objects.visible_to(studio)
    pose = get_object_or_404(
        visible_poses.prefetch_related(  # type: ignore[no-redef]  # plugin: to_attr vs Pose's declaration
            Prefetch(
                "modifications",
                queryset=Modification.objects.visible_to(studio),
                to_attr="visible_modifications",
            ),
            Prefetch(
                "alternatives",
                queryset=visible_poses.order_by(Lower("name")),
                to_attr="visible_alternatives",
            ),
        ),
        code=pose_code,
    )
    # A copy's original may since have been retired from the library: link it only if it is
    # still there to open.
    based_on = visible_poses.filter(pk=pose.based_on_id).first() if pose.based_on_id else None
    context = {
        "pose": pose,
        "based_on": based_on,
        "modification_rows": _modification_rows(pose),
        "can_manage": studio_can(request, "poses.manage"),
    }
    return render(request, "routines/pose_detail.html", context)


@studio_view("poses.manage")
@submit_once
def pose_create(request: StudioRequest) -> HttpResponse:
    pose = _pose_form(request, Pose(studio=request.studio), None)
    if isinstance(pose, HttpResponse):
        return pose
    messages.success(request, f"{pose.name} is in your studio's library now.")
    return redirect(pose.url_in(request.studio))


@studio_view("poses.manage")
def pose_edit(request: StudioRequest, pose_code: str) -> HttpResponse:
    pose = _get_own_pose_for_studio(request, pose_code)
    saved = _pose_form(request, pose, pose)
    if isinstance(saved, HttpResponse):
        return saved
    messages.success(request, f"Changes to {pose.name} are saved.")
    return redirect(pose.url_in(request.studio))


@require_POST
@studio_view("poses.manage")
@submit_once
def pose_copy(request: StudioRequest, pose_code: str) -> HttpResponse:
    pose = _get_pose_for_studio(request, pose_code)
    copy = services.pose_copy(pose=pose, studio=request.studio)
    messages.success(
        request,
        f"Here is your studio's own copy of {pose.name}, with its modifications. "
        "Adapt it as you like; the original stays as it was.",
    )
    return redirect("pose_edit", request.studio.code, copy.code)


@studio_view("poses.view")
def pose_image(request: StudioRequest, pose_code: str) -> FileResponse:
    pose = _get_pose_for_studio(request, pose_code)
    if not pose.image:
        raise Http404("This pose has no picture")
    try:
        handle = pose.image.open("rb")
    except FileNotFoundError:
        raise Http404("This pose's picture is missing") from None
    # Every stored picture was re-encoded as PNG on upload (see routines/library/images.py).
    response = FileResponse(handle, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# A figure's URL carries a hash of what it draws (see routines/templatetags/pose_figures.py),
# so a cached copy is never stale: a changed figure gets a new URL.
FIGURE_MAX_AGE = 365 * 24 * 3600


@studio_view("poses.view")
def pose_figure_svg(request: StudioRequest, pose_code: str) -> HttpResponse:
    pose = _get_pose_for_studio(request, pose_code)
    modification = None
    if request.GET.get("m"):
        try:
            modification = pose.modifications.visible_to(request.studio).get(code=request.GET["m"])
        except (Modification.DoesNotExist, ValidationError):
            raise Http404("No such version of this pose") from None
    size = request.GET.get("size", "medium")
    if size not in SIZES:
        raise Http404("No such figure size")
    svg = figure_svg(pose_figure(pose, modification), figure_title(pose, modification), size)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    # Figures hold no client data; "private" still keeps them out of shared proxies, as a
    # studio's own poses are its own.
    response["Cache-Control"] = f"private, max-age={FIGURE_MAX_AGE}, immutable"
    response.shareable_forever = True  # type: ignore[attr-defined]
    return response


@studio_view("poses.manage")
def pose_figure_preview(request: StudioRequest, pose_code: str | None = None) -> HttpResponse:
    """The figure fieldset of the pose form, drawn from the sliders' values (htmx): the
    sliders take only its preview; choosing another pose to start from takes it all."""
    pose = _get_own_pose_for_studio(request, pose_code) if pose_code else None
    figure_form = PoseFigureForm(
        request.GET or None, pose=pose, preview_url=_figure_preview_url(request, pose)
    )
    if figure_form.is_bound and request.GET.get("figure-action") == "restart":
        figure_form = figure_form.restarted()
    status = 400 if figure_form.is_bound and not figure_form.is_valid() else 200
    context = {"figure_form": figure_form, "pose": pose}
    return render(request, "routines/pose_form.html#figure_fields", context, status=status)


def _modification_form(
    request: StudioRequest, pose: Pose, modification: Modification, *, adding: bool
) -> HttpResponse:
    """The form; once saved, back to the pose. Refused, the form again with what was typed."""
    sent = request.method == "POST"
    form = ModificationForm(request.POST if sent else None, instance=modification, pose=pose)
    if sent and form.is_valid():
        form.save()
        if adding:
            messages.success(request, f"{modification.name} is added to {pose.name}.")
        else:
            messages.success(request, f"Changes to {modification.name} are saved.")
        return redirect(pose.url_in(request.studio))
    context = {"form": form, "pose": pose, "modification": None if adding else modification}
    status = 400 if sent else 200
    return render(request, "routines/modification_form.html", context, status=status)


@studio_view("poses.manage")
@submit_once
def modification_create(request: StudioRequest, pose_code: str) -> HttpResponse:
    # Any pose the studio sees may get a studio modification, library poses included: it is
    # visible only inside this studio.
    pose = _get_pose_for_studio(request, pose_code)
    modification = Modification(pose=pose, studio=request.studio)
    return _modification_form(request, pose, modification, adding=True)


@studio_view("poses.manage")
def modification_edit(
    request: StudioRequest, pose_code: str, modification_code: str
) -> HttpResponse:
    pose = _get_pose_for_studio(request, pose_code)
    modification = _get_own_modification_for_studio(request, pose, modification_code)
    return _modification_form(request, pose, modification, adding=False)


@require_POST
@studio_view("poses.manage")
def modification_delete(
    request: StudioRequest, pose_code: str, modification_code: str
) -> HttpResponse:
    pose = _get_pose_for_studio(request, pose_code)
    modification = _get_own_modification_for_studio(request, pose, modification_code)
    # Routine steps that used it keep their pose and go back to its usual steps (SET_NULL).
    modification.delete()
    messages.success(request, f"{modification.name} was removed from {pose.name}.")
    return redirect(pose.url_in(request.studio))
