"""Backups restore identically into an empty database, on whichever engine the suite runs."""

import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path
from unittest import mock

import psycopg
import pyrage
import pytest
from boto3.s3.transfer import S3Transfer
from botocore.exceptions import EndpointConnectionError
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from clients.services import client_erase
from practice.backup import (
    MANIFEST,
    BackupFailed,
    RestoreRefused,
    _run,
    backup_create,
    backup_restore,
    key_fingerprint,
    pg_connect,
)
from practice.backup_bucket import download_backup
from practice.fields import decrypt
from practice.management.commands.restore import _erased_codes
from tests.conftest import a_bucket, uploads_in_a_bucket
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


@pytest.fixture(autouse=True)
def backup_key(settings) -> pyrage.x25519.Identity:
    """The backup key pair: the server knows the public half only."""
    identity = pyrage.x25519.Identity.generate()
    settings.BACKUP_RECIPIENTS = [str(identity.to_public())]
    return identity


@pytest.fixture
def key_file(backup_key, tmp_path) -> Path:
    path = tmp_path / "backup-key.txt"
    path.write_text(f"# kept apart from the server\n{backup_key}\n")
    return path


@pytest.fixture
def backed_up(settings, tmp_path):
    precaution = PrecautionFactory(client__studio=StudioFactory(), note=NOTE)
    picture = Path(settings.MEDIA_ROOT) / "studios" / "abc" / "pose.png"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(b"\x89PNG picture bytes")
    result = backup_create(destination=tmp_path / "backups")
    return precaution, result


def test_a_backup_restores_every_row_and_file_into_an_empty_database(
    backed_up, empty_database, settings, tmp_path, backup_key
):
    _, result = backed_up
    settings.MEDIA_ROOT = tmp_path / "fresh-media"

    counts = backup_restore(
        folder=result.folder,
        identities=[backup_key],
        database_url=empty_database,
        media_root=settings.MEDIA_ROOT,
    )

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


def test_restore_refuses_a_damaged_file(backed_up, empty_database, backup_key):
    _, result = backed_up
    database_file = next(name for name in result.manifest["files"] if name.startswith("database"))
    with (result.folder / database_file).open("ab") as file:
        file.write(b"tampered")

    with pytest.raises(RestoreRefused, match="checksum"):
        backup_restore(folder=result.folder, identities=[backup_key], database_url=empty_database)


def test_restore_refuses_a_schema_this_release_does_not_have(backed_up, empty_database, backup_key):
    _, result = backed_up
    manifest = json.loads((result.folder / MANIFEST).read_text())
    manifest["schema"].append("clients.9999_from_the_future")
    (result.folder / MANIFEST).write_text(json.dumps(manifest))

    with pytest.raises(RestoreRefused, match="schema"):
        backup_restore(folder=result.folder, identities=[backup_key], database_url=empty_database)


def test_restore_refuses_when_the_needed_key_is_not_configured(
    backed_up, empty_database, settings, backup_key
):
    _, result = backed_up
    needed = key_fingerprint(settings.FIELD_ENCRYPTION_KEYS[0])
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(RestoreRefused, match=needed):
        backup_restore(folder=result.folder, identities=[backup_key], database_url=empty_database)


def test_restore_refuses_a_database_that_already_holds_tables(backed_up, key_file):
    _, result = backed_up

    with pytest.raises(CommandError, match="already holds tables"):
        # No --database-url: the suite's own, migrated database.
        call_command("restore", str(result.folder), "--key-file", str(key_file))


# --- Safe to store away from the keys -------------------------------------------------------


def test_a_backup_read_without_the_backup_key_shows_nothing_personal(backed_up, settings):
    precaution, result = backed_up
    client = precaution.client
    for path in result.folder.iterdir():
        data = path.read_bytes()
        for secret in (NOTE, client.preferred_name, client.full_name, client.email, "fernet:"):
            assert secret.encode() not in data, (path.name, secret)
        if path.name != MANIFEST:
            assert data.startswith(b"age-encryption.org/v1")
    # The field keys do not open it either: only the backup key, which the server lacks.
    assert json.loads((result.folder / MANIFEST).read_text())["encrypted_to"] == (
        settings.BACKUP_RECIPIENTS
    )


def test_backup_files_are_readable_by_their_owner_only(backed_up):
    _, result = backed_up
    assert stat.S_IMODE(result.folder.stat().st_mode) == 0o700
    for path in result.folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_sign_in_sessions_are_left_out(world, tmp_path, backup_key, empty_database, settings):
    world.client_for(world.alice).get("/")
    assert _source_rows("django_session")
    result = backup_create(destination=tmp_path / "backups")
    assert result.manifest["row_counts"]["django_session"] == 0
    backup_restore(
        folder=result.folder,
        identities=[backup_key],
        database_url=empty_database,
        media_root=tmp_path / "restored-media",
    )
    assert _target_rows(empty_database, "django_session") == []
    assert _target_rows(empty_database, "practice_user")  # the accounts themselves stay


def test_without_a_backup_key_configured_no_backup_is_written(settings, tmp_path):
    settings.BACKUP_RECIPIENTS = []
    with pytest.raises(CommandError, match="BACKUP_RECIPIENTS"):
        call_command("backup", str(tmp_path / "backups"))
    assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())


def test_a_failed_backup_leaves_no_partial_folder(backed_up, tmp_path):
    destination = tmp_path / "failing"
    with (
        mock.patch("practice.backup._write_media", side_effect=OSError("disk full")),
        pytest.raises(OSError, match="disk full"),
    ):
        backup_create(destination=destination)
    assert list(destination.iterdir()) == []


def test_pg_tool_errors_are_shown_in_their_own_words():
    with pytest.raises(BackupFailed, match=r"pg_dump failed: .*no-such-option"):
        _run("pg_dump", ["--no-such-option"], dict(os.environ))


def test_restore_never_writes_into_the_live_media_folder_unless_told(
    backed_up, empty_database, backup_key, settings, tmp_path
):
    _, result = backed_up
    live = Path(settings.MEDIA_ROOT) / "studios" / "abc" / "pose.png"
    live.write_bytes(b"the live site's newer picture")
    with pytest.raises(RestoreRefused, match="--media-root"):
        backup_restore(folder=result.folder, identities=[backup_key], database_url=empty_database)
    assert live.read_bytes() == b"the live site's newer picture"


def test_restore_with_the_wrong_backup_key_is_refused(backed_up, empty_database, tmp_path):
    _, result = backed_up
    with pytest.raises(RestoreRefused, match="does not open this backup"):
        backup_restore(
            folder=result.folder,
            identities=[pyrage.x25519.Identity.generate()],
            database_url=empty_database,
            media_root=tmp_path / "scratch-media",
        )


def test_a_missing_target_database_is_refused_in_one_line(backed_up, key_file, tmp_path):
    if _is_sqlite():
        pytest.skip("SQLite creates the file it is given")
    _, result = backed_up
    params = connection.settings_dict
    missing = f"postgres://{params.get('USER') or ''}@{params.get('HOST') or '127.0.0.1'}:"
    missing += f"{params.get('PORT') or 5432}/groundwork_no_such_database"
    with pytest.raises(CommandError) as refused:
        call_command(
            "restore", str(result.folder), "--key-file", str(key_file), "--database-url", missing
        )
    message = str(refused.value)
    assert "does not exist" in message and "\n" not in message


def test_restore_erases_again_whoever_was_erased_after_the_backup(
    backed_up, key_file, tmp_path, settings
):
    """In its own process, as an operator runs it: the restore then works on the target."""
    if not _is_sqlite():
        pytest.skip("the restored copy is checked as a SQLite file")
    precaution, result = backed_up
    client = precaution.client
    erased_list = tmp_path / "erased.txt"
    erased_list.write_text(f"{client.code}\n")
    target = tmp_path / "restored.sqlite3"
    environment = {
        **os.environ,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "MEDIA_ROOT": str(tmp_path / "unused-media"),
    }
    completed = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "restore",
            str(result.folder),
            "--key-file",
            str(key_file),
            "--database-url",
            f"sqlite:///{target}",
            "--media-root",
            str(tmp_path / "restored-media"),
            "--erased",
            str(erased_list),
        ],
        env=environment,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Erased again: 1 of 1" in completed.stdout
    restored = sqlite3.connect(target)
    try:
        status, name = restored.execute(
            "SELECT status, preferred_name FROM clients_client WHERE code = ?",
            [client.code.hex],
        ).fetchone()
        assert (status, name) == ("erased", "Erased client")
        assert restored.execute("SELECT COUNT(*) FROM clients_precaution").fetchone() == (0,)
    finally:
        restored.close()


# --- Backups in a bucket (several machines, no shared disk) ----------------------------------
BACKUP_BUCKET = "groundwork-backups"
UPLOADS_BUCKET = "groundwork-uploads"


@pytest.fixture
def backup_bucket(settings, s3_endpoint):
    """BACKUP_S3_BUCKET on moto's S3 server, reached with the uploads' connection settings."""
    settings.S3_ENDPOINT_URL = s3_endpoint
    settings.S3_REGION = "us-east-1"
    settings.S3_ACCESS_KEY_ID = settings.S3_SECRET_ACCESS_KEY = "testing"
    settings.BACKUP_S3_BUCKET = BACKUP_BUCKET
    with a_bucket(s3_endpoint, BACKUP_BUCKET) as s3:
        yield s3


@pytest.fixture
def uploads_bucket(settings, s3_endpoint):
    with uploads_in_a_bucket(settings, s3_endpoint, UPLOADS_BUCKET) as s3:
        s3.put_object(Bucket=UPLOADS_BUCKET, Key="studios/abc/pose.png", Body=b"\x89PNG in bucket")
        yield s3


def _keys(s3, bucket: str) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def _backup_to_bucket() -> str:
    """`manage.py backup --to-bucket`; returns the backup's name (its last line)."""
    out = StringIO()
    call_command("backup", "--to-bucket", stdout=out)
    return out.getvalue().split()[-1]


def test_a_backup_goes_to_the_bucket_encrypted_and_restores_from_it(
    backup_bucket, uploads_bucket, empty_database, key_file, tmp_path
):
    PrecautionFactory(client__studio=StudioFactory(), note=NOTE)
    name = _backup_to_bucket()

    database_file = f"{name}/database.{'sqlite3' if _is_sqlite() else 'pgdump'}.age"
    assert _keys(backup_bucket, BACKUP_BUCKET) == sorted(
        [database_file, f"{name}/media.tar.age", f"{name}/manifest.json"]
    )
    for key in _keys(backup_bucket, BACKUP_BUCKET):
        body = backup_bucket.get_object(Bucket=BACKUP_BUCKET, Key=key)["Body"].read()
        assert NOTE.encode() not in body and b"PNG in bucket" not in body
    # Nothing stays behind on this machine.
    assert not list(tmp_path.glob("**/groundwork-backup-*"))

    call_command(
        "restore",
        "--from-bucket",
        name,
        "--key-file",
        str(key_file),
        "--database-url",
        empty_database,
        "--media-root",
        str(tmp_path / "restored-media"),
        stdout=StringIO(),
    )
    [row] = _target_rows(empty_database, "clients_precaution")
    assert decrypt(row[_note_column()]) == NOTE
    # The uploads came from the bucket into the backup, and out of it into the folder named.
    restored = tmp_path / "restored-media" / "studios" / "abc" / "pose.png"
    assert restored.read_bytes() == b"\x89PNG in bucket"


def test_restore_into_live_media_puts_the_files_back_in_the_uploads_bucket(
    backup_bucket, uploads_bucket, empty_database, backup_key
):
    name = _backup_to_bucket()
    uploads_bucket.delete_object(Bucket=UPLOADS_BUCKET, Key="studios/abc/pose.png")

    with tempfile.TemporaryDirectory() as staging:
        backup_restore(
            folder=download_backup(name, Path(staging)),
            identities=[backup_key],
            database_url=empty_database,
            into_live_media=True,
        )
    stored = uploads_bucket.get_object(Bucket=UPLOADS_BUCKET, Key="studios/abc/pose.png")
    assert stored["Body"].read() == b"\x89PNG in bucket"


def test_a_backup_bucket_that_does_not_exist_is_refused_in_one_line_at_once(
    backup_bucket, settings, key_file
):
    settings.BACKUP_S3_BUCKET = "no-such-bucket"
    started = time.monotonic()
    with pytest.raises(CommandError) as refused:
        call_command("backup", "--to-bucket")
    message = str(refused.value)
    assert "'no-such-bucket' does not exist" in message and "\n" not in message
    with pytest.raises(CommandError) as refused:
        call_command("restore", "--from-bucket", "groundwork-backup-x", "--key-file", str(key_file))
    assert "'no-such-bucket' does not exist" in str(refused.value)
    assert time.monotonic() - started < 10


def test_an_object_storage_that_does_not_answer_is_refused_in_one_line(backup_bucket, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.S3_ENDPOINT_URL = f"http://127.0.0.1:{closed_port}"
    with pytest.raises(CommandError) as refused:
        call_command("backup", "--to-bucket")
    message = str(refused.value)
    assert "Cannot reach the object storage" in message and "\n" not in message


def test_a_name_the_bucket_does_not_hold_is_refused(backup_bucket, key_file):
    with pytest.raises(CommandError, match="holds no complete backup called groundwork-backup-x"):
        call_command("restore", "--from-bucket", "groundwork-backup-x", "--key-file", str(key_file))


def test_a_failed_upload_leaves_nothing_in_the_bucket(backup_bucket):
    real_upload = S3Transfer.upload_file
    calls = []

    def upload_then_fail(self, filename, bucket, key, *args, **kwargs):
        calls.append(key)
        if len(calls) > 1:
            raise EndpointConnectionError(endpoint_url="the bucket")
        return real_upload(self, filename, bucket, key, *args, **kwargs)

    with (
        mock.patch.object(S3Transfer, "upload_file", upload_then_fail),
        pytest.raises(CommandError, match="Uploading to s3://groundwork-backups failed"),
    ):
        call_command("backup", "--to-bucket")
    assert len(calls) == 2
    assert _keys(backup_bucket, BACKUP_BUCKET) == []


def test_the_bucket_backups_list_of_erased_clients_erases_them_again_on_restore(
    backup_bucket, tmp_path
):
    """`restore --erased bucket:NAME` takes the list from a newer backup in the bucket."""
    kept = PrecautionFactory(client__studio=StudioFactory()).client
    erased = PrecautionFactory(client__studio=kept.studio).client
    client_erase(client=erased, by=None)
    name = _backup_to_bucket()
    listing = StringIO()
    call_command("backup", "--list-bucket", stdout=listing)

    assert listing.getvalue().split() == [name]
    assert _erased_codes(f"bucket:{name}") == [str(erased.code)]
    with pytest.raises(CommandError, match="Cannot read a list of erased clients"):
        _erased_codes("bucket:groundwork-backup-x")


def test_backup_and_restore_ask_for_a_folder_or_the_bucket(backup_bucket, tmp_path, key_file):
    with pytest.raises(CommandError, match="or give --to-bucket"):
        call_command("backup", str(tmp_path), "--to-bucket")
    with pytest.raises(CommandError, match="or give --from-bucket"):
        call_command("restore", "--key-file", str(key_file))
