"""Sensitive free text is unreadable in the database, fails loudly with a wrong key, and
survives key rotation."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django import test as django_test
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from clients.models import Addendum, Client, Note, Precaution, Trigger
from practice import keys
from practice.fields import PREFIX, DecryptionError, EncryptedTextField
from practice.keys import encrypted_fields
from routines.models import Routine, RoutineStep
from tests.factories import (
    AddendumFactory,
    ClientFactory,
    NoteFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    TriggerFactory,
)

SECRETS = {
    "precaution": "Left hip replaced in March; surgeon says no crossing the legs.",
    "trigger_note": "A raised voice from behind brings back a bad memory.",
    "what_helps": "Naming each pose before it starts; the door in sight.",
    "goals": "Walk to the allotment without hip pain.",
    "email": "private.person@example.org",
    "note": "Spoke about the accident for the first time today.",
    "addendum": "Correction: the accident was in 2019.",
    "routine_notes": "She mentioned the pelvic floor surgery; keep it gentle.",
    "cue": "Keep the left knee soft, as after the operation.",
    "teacher_note": "Watch for dizziness: new blood pressure medication.",
}


def _raw_values(model, column: str) -> list[str]:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def record(world):
    client = ClientFactory(studio=world.studio, goals=SECRETS["goals"], email=SECRETS["email"])
    PrecautionFactory(client=client, note=SECRETS["precaution"])
    TriggerFactory(client=client, note=SECRETS["trigger_note"], what_helps=SECRETS["what_helps"])
    note = NoteFactory(client=client, author=world.bob.user, body=SECRETS["note"])
    AddendumFactory(note=note, author=world.bob.user, body=SECRETS["addendum"])
    routine = RoutineFactory(studio=world.studio, client=client, notes=SECRETS["routine_notes"])
    RoutineStepFactory(routine=routine, cue=SECRETS["cue"], teacher_note=SECRETS["teacher_note"])
    return client


RAW_COLUMNS = [
    (Client, "goals", "goals"),
    (Client, "email", "email"),
    (Precaution, "note", "precaution"),
    (Trigger, "note", "trigger_note"),
    (Trigger, "what_helps", "what_helps"),
    (Note, "body", "note"),
    (Addendum, "body", "addendum"),
    (Routine, "notes", "routine_notes"),
    (RoutineStep, "cue", "cue"),
    (RoutineStep, "teacher_note", "teacher_note"),
]


@pytest.mark.parametrize(("model", "column", "secret"), RAW_COLUMNS)
def test_the_database_holds_no_plaintext(record, model, column, secret):
    values = _raw_values(model, column)
    assert values
    for value in values:
        assert value.startswith(PREFIX)
        assert SECRETS[secret] not in value
        # Not even a recognisable fragment of it.
        assert max(SECRETS[secret].split("."), key=len) not in value


def test_the_orm_reads_the_text_back(record):
    precaution = Precaution.objects.get(client=record)
    assert precaution.note == SECRETS["precaution"]
    assert Client.objects.get(pk=record.pk).goals == SECRETS["goals"]


def test_every_sensitive_field_of_the_issue_is_encrypted():
    fields = {model._meta.label: names for model, names in encrypted_fields()}
    assert {"note"} <= set(fields["clients.Precaution"])
    assert {"note", "what_helps"} <= set(fields["clients.Trigger"])
    assert {"goals", "email", "phone", "emergency_contact"} <= set(fields["clients.Client"])
    assert fields["clients.Note"] == ["body", "client_said", "try_next"]
    assert fields["clients.Addendum"] == ["body"]
    assert fields["clients.CheckIn"] == ["words"]
    # Every answer through the intake link, and the room wishes in the client's own words.
    assert fields["clients.IntakeInvitation"] == ["answers_data"]
    assert "room_wishes_note" in fields["clients.Client"]
    assert fields["routines.Routine"] == ["notes"]
    assert {"cue", "teacher_note", "kept_reason"} <= set(fields["routines.RoutineStep"])


def test_empty_values_stay_empty_and_are_not_encrypted(world):
    ClientFactory(studio=world.studio, goals="", email="")
    assert set(_raw_values(Client, "goals")) == {""}


def test_a_wrong_key_fails_loudly(record, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(DecryptionError, match="FIELD_ENCRYPTION_KEYS"):
        Precaution.objects.get(client=record)


def test_plaintext_where_ciphertext_belongs_fails_loudly(record):
    # Someone bypassing the field (a bad migration, a manual UPDATE) is noticed, not shown.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE clients_precaution SET note = %s", ["written in the clear"])
    with pytest.raises(DecryptionError, match="unencrypted"):
        Precaution.objects.get(client=record)


def test_encrypted_fields_cannot_be_searched():
    field = EncryptedTextField()
    assert field.get_lookup("icontains") is None
    assert field.get_lookup("isnull") is not None


def test_a_wrong_key_gives_an_error_page_never_ciphertext(world, record, settings):
    """With a wrong key the server is misconfigured: the client page fails with a 500 and the
    error reaches the logs; the ciphertext never reaches the page."""
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    browser = django_test.Client(raise_request_exception=False)
    browser.force_login(world.bob.user)
    for url in (
        reverse("client_detail", args=[world.studio.code, record.code]),
        reverse("client_export", args=[world.studio.code, record.code]) + "?format=json",
        reverse("client_export", args=[world.studio.code, record.code]),
    ):
        response = browser.get(url)
        assert response.status_code == 500, url
        assert PREFIX not in response.content.decode()
        assert "gAAAAA" not in response.content.decode()  # how every Fernet token begins


def test_a_wrong_key_raises_instead_of_being_swallowed(world, record, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(DecryptionError):
        world.client_for(world.bob).get(
            reverse("client_export", args=[world.studio.code, record.code]), {"format": "json"}
        )


def _opens_with(key: str, model, column: str) -> bool:
    fernet = Fernet(key.encode())
    values = [v for v in _raw_values(model, column) if v]
    try:
        for value in values:
            fernet.decrypt(value[len(PREFIX) :].encode())
    except Exception:
        return False
    return bool(values)


def test_rotation_re_encrypts_everything_with_the_newest_key(world, settings):
    old = Fernet.generate_key().decode()
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    client = ClientFactory(studio=world.studio, goals=SECRETS["goals"])
    PrecautionFactory(client=client, note=SECRETS["precaution"])
    TriggerFactory(client=client, note=SECRETS["trigger_note"], what_helps=SECRETS["what_helps"])
    note = NoteFactory(client=client, author=world.bob.user, body=SECRETS["note"])
    AddendumFactory(note=note, author=world.bob.user, body=SECRETS["addendum"])
    routine = RoutineFactory(studio=world.studio, client=client, notes=SECRETS["routine_notes"])
    RoutineStepFactory(routine=routine, cue=SECRETS["cue"], teacher_note=SECRETS["teacher_note"])

    # A new key goes first; rows written with the old one still open.
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert Precaution.objects.get(client=client).note == SECRETS["precaution"]
    assert _opens_with(old, Precaution, "note")

    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "clients.Precaution: 1 row re-encrypted" in out.getvalue()
    assert "clients.Addendum: 1 row re-encrypted" in out.getvalue()
    for model, column, _ in RAW_COLUMNS:
        if model is not Client or column == "goals":
            assert _opens_with(new, model, column), (model, column)
            assert not _opens_with(old, model, column), (model, column)

    # The old key can go: everything still reads, with the new key alone.
    settings.FIELD_ENCRYPTION_KEYS = [new]
    client = Client.objects.get(pk=client.pk)
    assert client.goals == SECRETS["goals"]
    assert client.precautions.get().note == SECRETS["precaution"]
    trigger = client.triggers.get()
    assert (trigger.note, trigger.what_helps) == (SECRETS["trigger_note"], SECRETS["what_helps"])
    assert client.notes.get().body == SECRETS["note"]
    assert client.notes.get().addenda.get().body == SECRETS["addendum"]


def test_rotation_without_the_old_key_stops_and_changes_nothing(world, settings):
    old = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    PrecautionFactory(client=ClientFactory(studio=world.studio), note=SECRETS["precaution"])
    before = _raw_values(Precaution, "note")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("rotate_encryption_keys", stdout=StringIO())
    assert _raw_values(Precaution, "note") == before


def test_rotation_handles_more_rows_than_one_batch(world, settings, monkeypatch):
    monkeypatch.setattr(keys, "BATCH_SIZE", 2)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    client = ClientFactory(studio=world.studio)
    TriggerFactory.create_batch(5, client=client)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "clients.Trigger: 5 rows re-encrypted" in out.getvalue()
    assert _opens_with(new, Trigger, "what_helps")


def test_generate_encryption_key_prints_a_working_key():
    out = StringIO()
    call_command("generate_encryption_key", stdout=out)
    key = out.getvalue().strip()
    Fernet(key.encode())  # raises on a malformed key
    assert len(key) == 44
