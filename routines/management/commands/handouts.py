"""Batch printing: one PDF per routine code, written to a folder. Every print is audited."""

from pathlib import Path
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from clients import audit
from clients.models import AuditEvent
from routines.models import Routine
from routines.paper import handouts
from routines.paper.handouts import PrintOptions


class Command(BaseCommand):
    help = "Writes the client handout (or teacher sheet) PDF of each routine code into --out."

    def add_arguments(self, parser) -> None:
        parser.add_argument("codes", nargs="+", help="routine codes: the UUID in the routine's URL")
        parser.add_argument("--out", required=True, type=Path, help="folder for the PDFs")
        parser.add_argument(
            "--teacher-sheet", action="store_true", help="the confidential teacher sheet instead"
        )
        parser.add_argument("--large-print", action="store_true")
        parser.add_argument("--no-illustrations", action="store_true")

    def handle(self, *args, codes: list[str], out: Path, **options) -> None:
        routines = self._routines(codes)
        out.mkdir(parents=True, exist_ok=True)
        print_options = PrintOptions(
            large_print=options["large_print"], illustrations=not options["no_illustrations"]
        )
        teacher_sheet = options["teacher_sheet"]
        for routine in routines:
            render = handouts.teacher_sheet_html if teacher_sheet else handouts.handout_html
            html = render(routine, print_options, routine.created_by)
            personal = teacher_sheet or routine.client_id is not None
            pdf, _ = handouts.cached_pdf(html, routine.studio, personal=personal)
            suffix = "-teacher-sheet" if teacher_sheet else ""
            path = out / f"{slugify(routine.title) or 'practice'}-{routine.code}{suffix}.pdf"
            path.write_bytes(pdf)
            what = "teacher sheet" if teacher_sheet else "client handout"
            audit.audit_client(
                None,
                routine.client,
                AuditEvent.Action.PRINT,
                what,
                f"{what} printed from the command line",
                record_code=routine.code,
                studio=routine.studio,
            )
            self.stdout.write(f"{path}")

    def _routines(self, codes: list[str]) -> list[Routine]:
        try:
            wanted = [UUID(code) for code in codes]
        except ValueError as error:
            raise CommandError(f"Not a routine code: {error}") from None
        found = {
            r.code: r
            for r in Routine.objects.select_related("studio", "client", "created_by").filter(
                code__in=wanted
            )
        }
        missing = [str(code) for code in wanted if code not in found]
        if missing:
            raise CommandError(f"No routine with code {', '.join(missing)}; nothing was written.")
        return [found[code] for code in wanted]
