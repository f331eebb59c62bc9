"""Migration 0002_fixes adds the one-signature-per-version constraint to a database that may
already hold a duplicate (only the view used to prevent one): the first signature is kept."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("clients", "0001_initial")]
AFTER = [("clients", "0002_fixes_consent_once_note_labels")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_signature_is_reduced_to_the_first_before_the_constraint():
    apps = _migrate(BEFORE)
    try:
        Studio = apps.get_model("practice", "Studio")
        Client = apps.get_model("clients", "Client")
        Document = apps.get_model("clients", "ConsentDocument")
        Signature = apps.get_model("clients", "ConsentSignature")
        studio = Studio.objects.create(name="Willow Room")
        client = Client.objects.create(studio=studio, preferred_name="Maya")
        other = Client.objects.create(studio=studio, preferred_name="Noor")
        document = Document.objects.create(studio=studio, version=1, text="Consent.")
        first = Signature.objects.create(client=client, document=document, signed_name="Maya L")
        Signature.objects.create(client=client, document=document, signed_name="Maya L again")
        kept = Signature.objects.create(client=other, document=document, signed_name="Noor")
    finally:
        apps = _migrate(AFTER)
    Signature = apps.get_model("clients", "ConsentSignature")
    assert set(Signature.objects.values_list("pk", flat=True)) == {first.pk, kept.pk}
    # Back to the full schema: going back to clients 0001 took later apps' migrations with it.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
