from django.urls import path

from routines.library import views as poses

pose = "<uuid:pose_code>"
modification = f"{pose}/modifications/<uuid:modification_code>"

urlpatterns = [
    path("", poses.pose_list, name="pose_list"),
    path("new/", poses.pose_create, name="pose_create"),
    path("new/figure/", poses.pose_figure_preview, name="pose_figure_preview"),
    path(f"{pose}/", poses.pose_detail, name="pose_detail"),
    path(f"{pose}/edit/", poses.pose_edit, name="pose_edit"),
    path(f"{pose}/edit/figure/", poses.pose_figure_preview, name="pose_edit_figure_preview"),
    path(f"{pose}/copy/", poses.pose_copy, name="pose_copy"),
    path(f"{pose}/image/", poses.pose_image, name="pose_image"),
    path(f"{pose}/figure.svg", poses.pose_figure_svg, name="pose_figure"),
    path(f"{pose}/modifications/new/", poses.modification_create, name="modification_create"),
    path(f"{modification}/edit/", poses.modification_edit, name="modification_edit"),
    path(f"{modification}/delete/", poses.modification_delete, name="modification_delete"),
]
