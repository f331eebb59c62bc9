"""Consistent, encrypted backups and refusing restores.

A backup is a folder: the database (SQLite through its online backup API, never a file copy of a
live database; PostgreSQL as a `pg_dump` custom-format archive taken inside one snapshot) and the
uploaded files (from MEDIA_ROOT, or from the bucket when uploads live in one) as a tar, each
encrypted whole with age (`pyrage`) to the public backup key(s) in
BACKUP_RECIPIENTS, and `manifest.json` with the schema version, row counts, a SHA-256 of every
file, the fingerprints of the field encryption keys the data needs (never the keys) and the
codes of the clients erased by then. The server holds only the public key: a backup cannot be
read with anything the server has, nor with the field keys. Sign-in sessions and e-mail
confirmation keys are left out: they are live secrets, worthless after a restore.

Files are written into a hidden folder (0700, files 0600) that gets its real name only when
everything is in it; a failure removes it. A restore checks everything before it writes, and
refuses with the reason in one line: a damaged file, a schema this code does not have, a key
that is not configured or given, a target that is not empty or does not exist, a media folder
that was not named.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
import pyrage
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from storages.backends.s3 import S3Storage

from practice.fields import PREFIX, EncryptedTextField

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
MEDIA_FILE = "media.tar"
ENCRYPTED_SUFFIX = ".age"
# Live secrets: worthless after a restore and dangerous in a copy (a session key signs someone
# in). Their tables are kept, empty.
LIVE_SECRET_TABLES = ("django_session", "account_emailconfirmation")
# Apps above practice add the codes of erased records (clients registers its own): they go into
# every manifest, so a later restore of an older backup can erase those people again.
ERASED_CODE_SOURCES: list[Callable[[], list[str]]] = []


class RestoreRefused(Exception):
    """The backup cannot be restored here; the message says why in plain words."""


class BackupFailed(Exception):
    """No backup was written; the message says why (pg_dump's own words included)."""


def register_erased_code_source(source: Callable[[], list[str]]) -> None:
    if source not in ERASED_CODE_SOURCES:
        ERASED_CODE_SOURCES.append(source)


def _private_file(path: Path) -> None:
    path.chmod(0o600)


def _run(tool: str, arguments: list[str], env: dict[str, str]) -> None:
    """Runs pg_dump or pg_restore; a failure carries the tool's own message, not a traceback."""
    completed = subprocess.run(  # noqa: S603 - fixed argument list
        [shutil.which(tool) or tool, *arguments], env=env, capture_output=True, text=True
    )
    if completed.returncode != 0:
        said = " ".join(completed.stderr.split()) or f"exit status {completed.returncode}"
        raise BackupFailed(f"{tool} failed: {said}")


def key_fingerprint(key: str) -> str:
    """Names a key without revealing it: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _encrypted_columns() -> list[tuple[str, str]]:
    return [
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField) and field.column  # a concrete field has one
    ]


def _keys_needed(cursor: Any) -> list[str]:
    """Fingerprints of the configured keys that open at least one stored value.

    Values are tried against each key separately (newest first, as MultiFernet does), so the
    manifest can say exactly which keys a restore must have, including old ones not yet rotated.
    """
    keys = [(key, Fernet(key)) for key in settings.FIELD_ENCRYPTION_KEYS]
    needed: set[str] = set()
    for table, column in _encrypted_columns():
        cursor.execute(
            f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL '  # noqa: S608 - model metadata, not input
            f"AND \"{column}\" <> ''"
        )
        for (stored,) in cursor.fetchall():
            token = stored.removeprefix(PREFIX).encode()
            for key, fernet in keys:
                try:
                    fernet.decrypt(token)
                except InvalidToken:
                    continue
                needed.add(key_fingerprint(key))
                break
            else:
                needed.add("unknown")
    return sorted(needed)


def _tables(cursor: Any, engine: str) -> list[str]:
    if engine == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    return sorted(row[0] for row in cursor.fetchall())


def _row_counts(cursor: Any, engine: str) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor, engine):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - catalogue names
        counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations(cursor: Any) -> list[str]:
    cursor.execute("SELECT app, name FROM django_migrations")
    return sorted(f"{app}.{name}" for app, name in cursor.fetchall())


def code_schema() -> list[str]:
    """Every migration this code ships: what a database made by this release has applied."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.nodes)


def _engine(settings_dict: Mapping[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise RestoreRefused(f"Backups support SQLite and PostgreSQL, not {engine}.")


def _pg_environment(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def pg_connect(settings_dict: Mapping[str, Any]) -> psycopg.Connection:
    return psycopg.connect(
        dbname=settings_dict["NAME"],
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
    )


def _uploads_bucket() -> S3Storage | None:
    """The uploads' storage when it is a bucket (S3_BUCKET), else None (MEDIA_ROOT)."""
    storage = storages["default"]
    return storage if isinstance(storage, S3Storage) else None


def _bucket_name(storage: S3Storage, key: str) -> str:
    return key.removeprefix(storage.location.strip("/") + "/") if storage.location else key


def _bucket_key(storage: S3Storage, name: str) -> str:
    return f"{storage.location.strip('/')}/{name}" if storage.location else name


def _write_media(folder: Path) -> Path | None:
    bucket = _uploads_bucket()
    if bucket is not None:
        return _write_media_from_bucket(bucket, folder)
    media_root = Path(settings.MEDIA_ROOT)
    if not media_root.is_dir() or not any(media_root.iterdir()):
        return None
    with tarfile.open(folder / MEDIA_FILE, "w") as archive:
        for path in sorted(media_root.rglob("*")):
            if path.is_file():
                archive.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
    return folder / MEDIA_FILE


def _write_media_from_bucket(storage: S3Storage, folder: Path) -> Path | None:
    """The bucket's objects (uploads and unread job results, as the media folder holds them)
    under the same names, so a restore may put them in a folder or a bucket alike."""
    prefix = storage.location.strip("/") + "/" if storage.location else ""
    objects = sorted(storage.bucket.objects.filter(Prefix=prefix), key=lambda item: item.key)
    if not objects:
        return None
    with tarfile.open(folder / MEDIA_FILE, "w") as archive:
        for item in objects:
            member = tarfile.TarInfo(_bucket_name(storage, item.key))
            member.size = item.size
            member.mtime = int(item.last_modified.timestamp())
            member.mode = 0o600
            archive.addfile(member, item.get()["Body"])
    return folder / MEDIA_FILE


def _recipients() -> list[pyrage.x25519.Recipient]:
    if not settings.BACKUP_RECIPIENTS:
        raise BackupFailed(
            "BACKUP_RECIPIENTS is not set: backups are encrypted to a backup key kept apart "
            "from the server. Make one with `manage.py backup --new-key`."
        )
    try:
        return [pyrage.x25519.Recipient.from_str(key) for key in settings.BACKUP_RECIPIENTS]
    except pyrage.RecipientError:
        raise BackupFailed(
            "BACKUP_RECIPIENTS holds something that is not an age public key."
        ) from None


def _encrypt_into(plain: Path, folder: Path, recipients) -> Path:
    encrypted = folder / (plain.name + ENCRYPTED_SUFFIX)
    pyrage.encrypt_file(str(plain), str(encrypted), recipients)
    _private_file(encrypted)
    return encrypted


def _scrub_sqlite(database: sqlite3.Connection) -> None:
    """Empties the live-secret tables of the copy; VACUUM leaves no deleted page behind."""
    present = set(_tables(database.cursor(), "sqlite"))
    for table in LIVE_SECRET_TABLES:
        if table in present:
            database.execute(f'DELETE FROM "{table}"')  # noqa: S608 - fixed names
    database.commit()
    database.execute("VACUUM")


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    manifest: dict[str, Any]


def backup_create(*, destination: Path) -> BackupResult:
    """Writes one consistent, encrypted backup of the configured database and uploads into a
    new folder; on any failure nothing is left behind."""
    recipients = _recipients()
    settings_dict = connection.settings_dict
    engine = _engine(settings_dict)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = destination / f"groundwork-backup-{stamp}"
    if folder.exists():
        raise BackupFailed(f"{folder} already exists.")
    destination.mkdir(parents=True, exist_ok=True)
    # Hidden until complete, and private from the start (mkdtemp makes it 0700).
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", suffix=".partial", dir=destination))
    try:
        # Plain copies live only in a private temporary folder, and only until encrypted.
        with tempfile.TemporaryDirectory(prefix="groundwork-backup-") as plain_folder:
            plain = Path(plain_folder)
            if engine == "sqlite":
                database_file = plain / SQLITE_FILE
                counts, schema, keys = _copy_sqlite(database_file)
            else:
                database_file = plain / POSTGRES_FILE
                counts, schema, keys = _dump_postgres(database_file, settings_dict)
            written = [_encrypt_into(database_file, work, recipients)]
            media = _write_media(plain)
            if media:
                written.append(_encrypt_into(media, work, recipients))
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "engine": engine,
            "schema": schema,
            "row_counts": counts,
            "files": {path.name: _sha256(path) for path in written},
            "encryption_keys_needed": keys,
            "encrypted_to": list(settings.BACKUP_RECIPIENTS),
            "left_out": list(LIVE_SECRET_TABLES),
            "erased_clients": sorted(code for source in ERASED_CODE_SOURCES for code in source()),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        _private_file(work / MANIFEST)
        work.rename(folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupResult(folder=folder, manifest=manifest)


def _copy_sqlite(database_file: Path) -> tuple[dict[str, int], list[str], list[str]]:
    connection.ensure_connection()
    target = sqlite3.connect(database_file)
    try:
        connection.connection.backup(target)
        _scrub_sqlite(target)
        # Everything below reads the copy, so it describes exactly what was saved.
        cursor = target.cursor()
        return _row_counts(cursor, "sqlite"), _applied_migrations(cursor), _keys_needed(cursor)
    finally:
        target.close()


def _dump_postgres(
    database_file: Path, settings_dict: dict[str, Any]
) -> tuple[dict[str, int], list[str], list[str]]:
    with pg_connect(settings_dict) as source:
        source.autocommit = True  # the transaction below is opened by hand
        # One exported snapshot for the counts, the key scan and pg_dump alike.
        source.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        [(snapshot,)] = source.execute("SELECT pg_export_snapshot()").fetchall()
        _run(
            "pg_dump",
            [
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                *(f"--exclude-table-data={table}" for table in LIVE_SECRET_TABLES),
                f"--file={database_file}",
            ],
            _pg_environment(settings_dict),
        )
        cursor = source.cursor()
        counts = _row_counts(cursor, "postgresql")
        for table in LIVE_SECRET_TABLES:
            if table in counts:
                counts[table] = 0  # their rows were not dumped
        schema = _applied_migrations(cursor)
        keys = _keys_needed(cursor)
        source.execute("ROLLBACK")
    return counts, schema, keys


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise RestoreRefused(
            f"{folder} holds no {MANIFEST}: it is not a Groundwork backup."
        ) from None
    except json.JSONDecodeError:
        raise RestoreRefused(f"{MANIFEST} in {folder} is damaged (not valid JSON).") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise RestoreRefused(
            f"This backup has format {manifest.get('format')!r}; this release reads format "
            f"{FORMAT_VERSION}."
        )
    return manifest


def backup_check(*, folder: Path, target: Mapping[str, Any]) -> dict[str, Any]:
    """Every reason to refuse, before anything is written. Returns the manifest."""
    manifest = _read_manifest(folder)
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise RestoreRefused(f"{name} is missing from the backup.")
        if _sha256(path) != expected:
            raise RestoreRefused(f"{name} does not match its checksum: the backup is damaged.")
    engine = _engine(target)
    if manifest["engine"] != engine:
        raise RestoreRefused(
            f"This is a {manifest['engine']} backup; the target database is {engine}. "
            "Restore it into the same kind of database it was taken from."
        )
    ours = set(code_schema())
    theirs = set(manifest["schema"])
    if ours != theirs:
        missing = sorted(theirs - ours)[:3]
        extra = sorted(ours - theirs)[:3]
        raise RestoreRefused(
            "The backup's schema does not match this release "
            f"(only in the backup: {missing or 'none'}; only in this code: {extra or 'none'}). "
            "Restore with the release that made the backup, then upgrade."
        )
    configured = {key_fingerprint(key) for key in settings.FIELD_ENCRYPTION_KEYS}
    absent = [fp for fp in manifest["encryption_keys_needed"] if fp not in configured]
    if absent:
        raise RestoreRefused(
            "FIELD_ENCRYPTION_KEYS lacks the key(s) this backup's data was encrypted with "
            f"(fingerprints {', '.join(absent)}). Add them, newest first, and try again."
        )
    return manifest


@contextmanager
def _target_cursor(target: Mapping[str, Any]) -> Iterator[Any]:
    if _engine(target) == "sqlite":
        database = sqlite3.connect(target["NAME"])
        try:
            yield database.cursor()
        finally:
            database.close()
    else:
        try:
            pg_database = pg_connect(target)
        except psycopg.OperationalError as error:
            if "does not exist" in str(error):
                raise RestoreRefused(
                    f"The database {target['NAME']!r} does not exist. Create it empty "
                    f"(createdb {target['NAME']}) and restore again."
                ) from None
            said = " ".join(str(error).split())
            raise RestoreRefused(f"Cannot connect to the target database: {said}") from None
        with pg_database:
            pg_database.autocommit = True
            yield pg_database.cursor()


def _media_target(
    manifest: dict[str, Any], media_root: Path | None, into_live_media: bool
) -> Path | None:
    """Where the uploaded files go: never into this site's own folder unless asked to."""
    if MEDIA_FILE + ENCRYPTED_SUFFIX not in manifest["files"]:
        return None
    if media_root is not None:
        if media_root.exists() and any(media_root.iterdir()):
            raise RestoreRefused(f"{media_root} is not empty; name a new or empty folder.")
        return media_root
    if into_live_media:
        return Path(settings.MEDIA_ROOT)
    raise RestoreRefused(
        "This backup holds uploaded files. Say where they go: --media-root FOLDER (a new "
        "folder, for a scratch restore) or --into-live-media (this site's MEDIA_ROOT, or its "
        "bucket when S3_BUCKET is set)."
    )


def _decrypt(folder: Path, name: str, plain: Path, identities: list) -> Path:
    out = plain / name
    try:
        pyrage.decrypt_file(str(folder / (name + ENCRYPTED_SUFFIX)), str(out), identities)
    except pyrage.DecryptError:
        raise RestoreRefused(
            "The backup key given does not open this backup (it was encrypted to "
            "another key, or the file is damaged)."
        ) from None
    return out


def parse_identities(text: str) -> list:
    """age identities ("AGE-SECRET-KEY-1…", one a line, # comments) from a key file."""
    lines = [line.strip() for line in text.splitlines()]
    try:
        return [
            pyrage.x25519.Identity.from_str(line)
            for line in lines
            if line and not line.startswith("#")
        ]
    except pyrage.IdentityError:
        raise RestoreRefused(
            "The backup key file holds something that is not an age key."
        ) from None


def backup_restore(
    *,
    folder: Path,
    identities: list,
    database_url: str | None = None,
    media_root: Path | None = None,
    into_live_media: bool = False,
) -> dict[str, int]:
    """Restores a checked backup into an empty database and returns its row counts."""
    target = dj_database_url.parse(database_url) if database_url else dict(connection.settings_dict)
    manifest = backup_check(folder=folder, target=target)
    if not identities:
        raise RestoreRefused("A backup key is needed to open this backup (--key-file).")
    engine = _engine(target)
    with _target_cursor(target) as cursor:
        if _tables(cursor, engine):
            raise RestoreRefused(
                "The target database already holds tables. Restore into an empty database so "
                "nothing is overwritten."
            )
    media_target = _media_target(manifest, media_root, into_live_media)
    with tempfile.TemporaryDirectory(prefix="groundwork-restore-") as plain_folder:
        plain = Path(plain_folder)
        if engine == "sqlite":
            database_file = _decrypt(folder, SQLITE_FILE, plain, identities)
            source = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
            destination = sqlite3.connect(target["NAME"])
            try:
                source.backup(destination)
            finally:
                source.close()
                destination.close()
        else:
            database_file = _decrypt(folder, POSTGRES_FILE, plain, identities)
            _run(
                "pg_restore",
                [
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    f"--dbname={target['NAME']}",
                    str(database_file),
                ],
                _pg_environment(target),
            )
        if media_target is not None:
            archive = _decrypt(folder, MEDIA_FILE, plain, identities)
            bucket = _uploads_bucket() if media_root is None else None
            if bucket is not None:
                _restore_media_into_bucket(archive, bucket)
            else:
                _restore_media(archive, media_target)
    with _target_cursor(target) as cursor:
        counts = _row_counts(cursor, engine)
    if counts != manifest["row_counts"]:
        differing = sorted(
            table
            for table in set(counts) | set(manifest["row_counts"])
            if counts.get(table) != manifest["row_counts"].get(table)
        )
        raise RestoreRefused(f"Restored row counts differ from the manifest in {differing[:5]}.")
    return counts


def _restore_media(archive_path: Path, media_root: Path) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path) as archive:
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        archive.extractall(media_root, filter="data")


def _restore_media_into_bucket(archive_path: Path, storage: S3Storage) -> None:
    """--into-live-media when uploads live in a bucket: each file back under its own key."""
    with tarfile.open(archive_path) as archive:
        for member in archive:
            # The same "data" filter as for a folder: no absolute names, nothing outside it.
            checked = tarfile.data_filter(member, "/restore")
            if not checked.isfile():
                continue
            storage.bucket.upload_fileobj(
                archive.extractfile(checked), _bucket_key(storage, checked.name)
            )
