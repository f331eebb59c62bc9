from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("routines", "0004_safety_step_keep_side_lying"),
    ]

    operations = [
        migrations.AddField(
            model_name="modification",
            name="figure",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="pose",
            name="figure",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
