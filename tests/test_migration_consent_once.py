"""Migration 0002_fixes adds the one-signature-per-version constraint to a database that may
already hold a duplicate (only the view used to prevent one): the first signature is kept."""

import pytest

from tests.migrating import migrate_to, migrate_to_latest

BEFORE = [("clients", "0001_initial")]
AFTER = [("clients", "0002_fixes_consent_once_note_labels")]


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_signature_is_reduced_to_the_first_before_the_constraint():
    apps = migrate_to(BEFORE)
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
        apps = migrate_to(AFTER)
    try:
        Signature = apps.get_model("clients", "ConsentSignature")
        assert set(Signature.objects.values_list("pk", flat=True)) == {first.pk, kept.pk}
    finally:
        # The flush after this test reloads the pose library through today's models, which
        # need every app's newest columns.
        migrate_to_latest()
