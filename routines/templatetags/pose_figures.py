"""Pose figures in pages: `{% figure_img %}` for the portal (a cacheable URL), and
`{% figure_inline %}` for printed handouts (WeasyPrint needs no fetch for inline SVG)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from routines.library.figures import SIZES, figure_html, figure_title, figure_version, pose_figure

register = template.Library()


@register.simple_tag(takes_context=True)
def figure_img(context, pose, modification=None, size: str = "medium") -> SafeString:
    """An <img> of the figure. Its URL holds the figure's version, so it can be cached long."""
    figure = pose_figure(pose, modification)
    query = {"size": size, "v": figure_version(figure)}
    if modification is not None:
        query["m"] = str(modification.code)
    url = reverse("pose_figure", args=[context["studio"].code, pose.code])
    width, height = SIZES[size]
    if figure.get("end"):
        width *= 2
    return format_html(
        '<img class="pose-figure-img" src="{}?{}" width="{}" height="{}" alt="{}" loading="lazy">',
        url,
        urlencode(query),
        width,
        height,
        f"Drawing: {figure_title(pose, modification)}",
    )


@register.simple_tag
def figure_inline(pose, modification=None, size: str = "medium") -> SafeString:
    return figure_html(pose_figure(pose, modification), figure_title(pose, modification), size)


@register.simple_tag
def draw_figure(figure: dict, title: str, size: str = "medium") -> SafeString:
    """Inline SVG of figure data that is not saved yet: the studio pose form's preview."""
    return figure_html(figure, title, size)
