"""Each studio's tally of active and archived clients, kept by triggers on clients_client.

Triggers, not the app, so that every way a client is added, archived, restored, erased, moved or
deleted is counted. They are the ones the app keeps today (clients/tally.py), made here the
first time (counting the clients already there) and again after every `migrate`
(practice/triggers.py).
"""

import django.db.models.deletion
from django.db import migrations, models

from clients.tally import TALLY_TRIGGERS


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0011_touch_today_room_wishes"),
        ("practice", "0006_user_memberships_token"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClientTally",
            fields=[
                (
                    "studio",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="client_tally",
                        serialize=False,
                        to="practice.studio",
                    ),
                ),
                ("active", models.IntegerField(default=0)),
                ("archived", models.IntegerField(default=0)),
            ],
        ),
        TALLY_TRIGGERS.operation(),
    ]
