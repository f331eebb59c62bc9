"""The triggers the apps keep (practice/triggers.py) outlive a later migration that rebuilds
their tables, as SQLite does to alter one, and catch up with what changed without them."""

import pytest
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connection, models

from clients.models import Client, ClientTally
from practice.models import Membership, Studio, User
from tests.factories import ClientFactory, MembershipFactory, StudioFactory

Role = Membership.Role


def _token(user: User):
    return User.objects.values_list("memberships_token", flat=True).get(pk=user.pk)


def _rebuild(model, name: str, max_length: int) -> models.Field:
    """Alters a text column's length, which SQLite does by building the table anew."""
    old = model._meta.get_field(name)
    new = models.CharField(max_length=max_length, blank=True)
    new.set_attributes_from_name(name)
    new.model = model
    with connection.schema_editor() as editor:
        editor.alter_field(model, old, new)
    return new


@pytest.mark.django_db(transaction=True)
def test_a_migration_that_rebuilds_their_tables_keeps_the_triggers():
    studio = StudioFactory()
    member = MembershipFactory(studio=studio, role=Role.INSTRUCTOR)
    ClientFactory.create_batch(2, studio=studio)
    emit_pre_migrate_signal(verbosity=0, interactive=False, db="default")
    rebuilt = []
    try:
        # Membership is named by the token's triggers on practice_studio; the others carry them.
        for model, name in ((Membership, "role"), (Studio, "name"), (Client, "preferred_name")):
            rebuilt.append((model, _rebuild(model, name, 200)))
        # What a data migration might change meanwhile.
        token = _token(member.user)
        ClientFactory(studio=studio)
        Membership.objects.filter(pk=member.pk).update(role=Role.ASSISTANT)
    finally:
        for model, field in rebuilt:
            original = model._meta.get_field(field.name)
            with connection.schema_editor() as editor:
                editor.alter_field(model, field, original)
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    # Caught up: the clients counted again, every token renewed...
    assert ClientTally.of(studio, Client.Status.ACTIVE) == 3
    assert _token(member.user) != token
    # ...and the triggers at work again.
    ClientFactory(studio=studio)
    assert ClientTally.of(studio, Client.Status.ACTIVE) == 4
    token = _token(member.user)
    Membership.objects.filter(pk=member.pk).update(role=Role.INSTRUCTOR)
    assert _token(member.user) != token
