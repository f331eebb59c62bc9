from django.conf import settings
from django.db import migrations, models
from django.db.models import Min


def keep_the_first_signature_per_version(apps, schema_editor):
    """Before the constraint, only the sign view prevented a second signature on a version, so
    a double submit could slip through. The first recorded stays; a later duplicate of the same
    client's signature on the same text adds nothing, and the audit trail keeps both events."""
    ConsentSignature = apps.get_model("clients", "ConsentSignature")
    duplicated = (
        ConsentSignature.objects.values("client_id", "document_id")
        .annotate(first=Min("pk"), count=models.Count("pk"))
        .filter(count__gt=1)
    )
    for group in duplicated:
        ConsentSignature.objects.filter(
            client_id=group["client_id"], document_id=group["document_id"]
        ).exclude(pk=group["first"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="note",
            name="privacy",
            field=models.CharField(
                choices=[
                    ("studio", "Every teacher: the owner and all instructors (not assistants)"),
                    ("care_team", "This client's care team, its author and the studio owner"),
                    ("author", "Only its author and the studio owner"),
                ],
                default="care_team",
                max_length=20,
                verbose_name="who can read it",
            ),
        ),
        migrations.RunPython(keep_the_first_signature_per_version, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="consentsignature",
            constraint=models.UniqueConstraint(
                fields=("client", "document"), name="one_signature_per_version"
            ),
        ),
    ]
