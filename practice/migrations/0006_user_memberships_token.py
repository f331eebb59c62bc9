"""A person's memberships token, renewed by the database whenever her memberships change.

StudioMiddleware keeps each person's memberships in the worker's memory under this token
(practice/memberships.py). Triggers renew it, not the app, so that no way of changing a
membership or a studio (a service, the admin, a bulk update, a raw statement, a cascade) can
leave a stale copy in use. The triggers are the ones the app keeps today (TOKEN_TRIGGERS), made
here the first time and again after every `migrate` (practice/triggers.py).
"""

import uuid

from django.db import migrations, models

from practice.memberships import TOKEN_TRIGGERS


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0005_job_client_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="memberships_token",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        TOKEN_TRIGGERS.operation(),
    ]
