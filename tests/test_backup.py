"""Backups restore identically into an empty database, on whichever engine the suite runs."""

import json
import sqlite3
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from practice.backup import (
    MANIFEST,
    RestoreRefused,
    backup_create,
    backup_restore,
    key_fingerprint,
    pg_connect,
)
from practice.fields import decrypt
from tests.factories import PrecautionFactory, StudioFactory

pytestmark = pytest.mark.django_db(transaction=True)
NOTE = "Surgeon's rule: no bending past a right angle until the twelve-week review."


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _connect_admin() -> psycopg.Connection:
    admin = pg_connect({**connection.settings_dict, "NAME": "postgres"})
    admin.autocommit = True
    return admin


@pytest.fixture
def empty_database(tmp_path):
    """A URL for a database with no tables, of the same engine as the suite's."""
    if _is_sqlite():
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    params = connection.settings_dict
    name = f"{params['NAME']}_restore"
    with _connect_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    yield f"postgres://{user}{password}@{host}:{port}/{name}"
    with _connect_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _target_rows(url: str, table: str) -> list[tuple]:
    if url.startswith("sqlite"):
        database = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return database.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()  # noqa: S608
        finally:
            database.close()
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as database:
        return database.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()  # noqa: S608


def _source_rows(table: str) -> list[tuple]:
    """The suite's database read without Django's type converters, like the target."""
    if _is_sqlite():
        database = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
        try:
            return database.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()  # noqa: S608
        finally:
            database.close()
    with pg_connect(connection.settings_dict) as database:
        return database.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()  # noqa: S608


@pytest.fixture
def backed_up(settings, tmp_path):
    precaution = PrecautionFactory(client__studio=StudioFactory(), note=NOTE)
    picture = Path(settings.MEDIA_ROOT) / "studios" / "abc" / "pose.png"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(b"\x89PNG picture bytes")
    result = backup_create(destination=tmp_path / "backups")
    return precaution, result


def test_a_backup_restores_every_row_and_file_into_an_empty_database(
    backed_up, empty_database, settings, tmp_path
):
    _, result = backed_up
    settings.MEDIA_ROOT = tmp_path / "fresh-media"

    counts = backup_restore(folder=result.folder, database_url=empty_database)

    assert counts == result.manifest["row_counts"]
    assert counts["clients_precaution"] == 1
    for table in counts:
        assert _target_rows(empty_database, table) == _source_rows(table), table
    assert (settings.MEDIA_ROOT / "studios" / "abc" / "pose.png").read_bytes() == (
        b"\x89PNG picture bytes"
    )
    [row] = _target_rows(empty_database, "clients_precaution")
    stored = row[_note_column()]
    assert stored.startswith("fernet:")
    assert decrypt(stored) == NOTE


def _note_column() -> int:
    with connection.cursor() as cursor:
        columns = [
            column.name
            for column in connection.introspection.get_table_description(
                cursor, "clients_precaution"
            )
        ]
    return columns.index("note")


def test_the_manifest_names_key_fingerprints_and_never_the_keys(backed_up, settings):
    _, result = backed_up
    text = (result.folder / MANIFEST).read_text()

    for key in settings.FIELD_ENCRYPTION_KEYS:
        assert key not in text
    assert json.loads(text)["encryption_keys_needed"] == [
        key_fingerprint(settings.FIELD_ENCRYPTION_KEYS[0])
    ]
    assert NOTE not in text


def test_restore_refuses_a_damaged_file(backed_up, empty_database):
    _, result = backed_up
    database_file = next(name for name in result.manifest["files"] if name.startswith("database"))
    with (result.folder / database_file).open("ab") as file:
        file.write(b"tampered")

    with pytest.raises(RestoreRefused, match="checksum"):
        backup_restore(folder=result.folder, database_url=empty_database)


def test_restore_refuses_a_schema_this_release_does_not_have(backed_up, empty_database):
    _, result = backed_up
    manifest = json.loads((result.folder / MANIFEST).read_text())
    manifest["schema"].append("clients.9999_from_the_future")
    (result.folder / MANIFEST).write_text(json.dumps(manifest))

    with pytest.raises(RestoreRefused, match="schema"):
        backup_restore(folder=result.folder, database_url=empty_database)


def test_restore_refuses_when_the_needed_key_is_not_configured(backed_up, empty_database, settings):
    _, result = backed_up
    needed = key_fingerprint(settings.FIELD_ENCRYPTION_KEYS[0])
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(RestoreRefused, match=needed):
        backup_restore(folder=result.folder, database_url=empty_database)


def test_restore_refuses_a_database_that_already_holds_tables(backed_up):
    _, result = backed_up

    with pytest.raises(CommandError, match="already holds tables"):
        # No --database-url: the suite's own, migrated database.
        call_command("restore", str(result.folder))
