"""Draws every library pose and modification: a contact sheet to review, or a timing.

`manage.py pose_figures --sheet figures.pdf` writes labelled pages (one block per pose, its
modifications beside it) to look at as images: every figure should be recognisable without
its caption. `manage.py pose_figures` alone draws them all and prints how long that took
(`make bench`).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from weasyprint import HTML

from routines.library.figures import clear_cache, figure_html
from routines.library.loader import LIBRARY_FILE, library_figures, library_problems, read_library


def _title(pose_name: str, version: str | None) -> str:
    return f"{pose_name}: {version}" if version else pose_name


class Command(BaseCommand):
    help = "Draws every pose and modification figure; --sheet writes a contact sheet PDF."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--sheet", help="write a labelled contact sheet to this PDF file")

    def handle(self, *args, sheet: str | None, **options) -> None:
        data = read_library(LIBRARY_FILE)
        problems = library_problems(data)
        if problems:
            raise CommandError("\n".join(problems))
        figures = library_figures(data)
        names = {pose["slug"]: pose["name"] for pose in data["poses"]}
        versions = {
            (pose["slug"], m["slug"]): m["name"]
            for pose in data["poses"]
            for m in pose["modifications"]
        }
        clear_cache()
        started = time.perf_counter()
        drawn = {
            key: figure_html(figure, _title(names[key[0]], versions.get(key)))
            for key, figure in figures.items()
        }
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Pose figures: {len(drawn)} drawn ({len(data['poses'])} poses and their "
            f"modifications) in {elapsed * 1000:.0f} ms"
        )
        if sheet:
            self._write_sheet(sheet, data, drawn)
            self.stdout.write(self.style.SUCCESS(f"Contact sheet written to {sheet}"))

    def _write_sheet(self, path: str, data: dict, drawn: dict) -> None:
        poses = [
            {
                "name": pose["name"],
                "slug": pose["slug"],
                "cells": [("As written", drawn[(pose["slug"], "")])]
                + [(m["name"], drawn[(pose["slug"], m["slug"])]) for m in pose["modifications"]],
            }
            for pose in data["poses"]
        ]
        html = render_to_string("routines/pose_figures_sheet.html", {"poses": poses})
        HTML(string=html).write_pdf(path)
