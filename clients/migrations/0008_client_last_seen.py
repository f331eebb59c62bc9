from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_last_seen(apps, schema_editor):
    """Each client's latest held session, as `clients_refresh_last_seen` keeps it from now on."""
    Client = apps.get_model("clients", "Client")
    Session = apps.get_model("clients", "Session")
    latest_held = (
        Session.objects.filter(clients=OuterRef("pk"), status="held")
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    Client.objects.update(last_seen_at=Subquery(latest_held))


class Migration(migrations.Migration):
    dependencies = [("clients", "0007_audit_index_full_sort")]

    operations = [
        migrations.AddField(
            model_name="client",
            name="last_seen_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(
                fields=["studio", "status", "last_seen_at"], name="client_last_seen_idx"
            ),
        ),
        migrations.RunPython(fill_last_seen, migrations.RunPython.noop),
    ]
