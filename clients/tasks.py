"""The whole-studio export as a background task: every record of a large studio takes minutes.

Built on clients.export (the same records as the one-client export and the printable page),
written to the file a batch of clients at a time, so progress shows and memory stays flat.
"""

import json
import tempfile

import rules
from django_tasks import task

from clients.export import json_value, load_records, record_data, studio_record
from clients.models import AuditEvent, Client
from clients.services import job_fail_if_erased_meanwhile
from practice import jobs
from practice.models import BackgroundJob

EXPORT_BATCH_SIZE = 500
Action = AuditEvent.Action


def _export(job: BackgroundJob, progress: jobs.Progress) -> jobs.JobResult:
    studio, user = job.studio, job.requested_by
    # Whoever asked may have left the studio, or been deleted (requested_by is then None).
    membership = (
        studio.memberships.select_related("user").filter(user=user).first()
        if studio is not None and user is not None
        else None
    )
    if (
        studio is None
        or membership is None
        or not rules.test_rule("clients.export_studio", membership)
    ):
        raise jobs.JobFailed("Only an owner of the studio can export every record.")
    rows = list(
        Client.objects.for_studio(studio).order_by("preferred_name", "pk").values_list("pk", "code")
    )
    pks = [pk for pk, _ in rows]
    # Recorded before the file exists, so an erasure can find every file holding the person.
    jobs.record_clients(job, [code for _, code in rows])
    progress.set_total(len(pks))
    # The header and consent texts of the usual studio export, then its clients in batches.
    head = studio_record(studio, membership, [])
    del head["clients"]
    with tempfile.TemporaryFile() as out:
        # The header object without its closing "\n}", so "clients" can follow it.
        out.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2].encode())
        out.write(b',\n  "clients": [')
        for start in range(0, len(pks), EXPORT_BATCH_SIZE):
            batch = load_records(
                list(
                    Client.objects.filter(pk__in=pks[start : start + EXPORT_BATCH_SIZE]).order_by(
                        "preferred_name", "pk"
                    )
                )
            )
            for number, client in enumerate(batch):
                record = json.dumps(
                    record_data(client, membership), ensure_ascii=False, default=json_value
                )
                separator = ",\n    " if start or number else "\n    "
                out.write((separator + record).encode())
            _audit_batch(job, batch)
            progress.advance(len(batch))
        out.write(b"\n  ]\n}\n")
        out.seek(0)
        data = out.read()
    job_fail_if_erased_meanwhile(job, pks)
    return jobs.JobResult(
        data=data,
        filename=f"groundwork-studio-{studio.code}.json",
        content_type="application/json; charset=utf-8",
    )


def _audit_batch(job: BackgroundJob, clients: list[Client]) -> None:
    """One entry per exported client, so each client's own trail shows the export."""
    user = job.requested_by
    actor_label = user.email if user is not None else ""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            studio=job.studio,
            actor=user,
            actor_label=actor_label,
            action=Action.EXPORT,
            client=client,
            client_code=client.code,
            record_type="client",
            summary="client record exported (studio export)",
            ip_address=job.params.get("ip_address"),
        )
        for client in clients
    )


@task()
def studio_export(job_code: str) -> None:
    jobs.run(job_code, _export)
