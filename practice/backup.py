"""Consistent backups and refusing restores.

A backup is a folder: the database (SQLite through its online backup API, never a file copy of a
live database; PostgreSQL as a `pg_dump` custom-format archive taken inside one snapshot), the
uploaded files as a tar, and `manifest.json` with the schema version, row counts, a SHA-256 of
every file and the fingerprints of the encryption keys the data needs — never the keys.

A restore checks all of that before it writes anything, and refuses with the reason: a damaged
file, a schema this code does not have, a key that is not configured, a target that is not empty.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from practice.fields import PREFIX, EncryptedTextField

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
MEDIA_FILE = "media.tar"


class RestoreRefused(Exception):
    """The backup cannot be restored here; the message says why in plain words."""


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
        if isinstance(field, EncryptedTextField)
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


def _engine(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise RestoreRefused(f"Backups support SQLite and PostgreSQL, not {engine}.")


def _pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
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


def pg_connect(settings_dict: dict[str, Any]) -> psycopg.Connection:
    return psycopg.connect(
        dbname=settings_dict["NAME"],
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
    )


def _write_media(folder: Path) -> str | None:
    media_root = Path(settings.MEDIA_ROOT)
    if not media_root.is_dir() or not any(media_root.iterdir()):
        return None
    with tarfile.open(folder / MEDIA_FILE, "w") as archive:
        for path in sorted(media_root.rglob("*")):
            if path.is_file():
                archive.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
    return MEDIA_FILE


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    manifest: dict[str, Any]


def backup_create(*, destination: Path) -> BackupResult:
    """Writes one consistent backup of the configured database and uploads into a new folder."""
    settings_dict = connection.settings_dict
    engine = _engine(settings_dict)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = destination / f"groundwork-backup-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    if engine == "sqlite":
        database_file = folder / SQLITE_FILE
        connection.ensure_connection()
        target = sqlite3.connect(database_file)
        try:
            connection.connection.backup(target)
            # Everything below reads the copy, so it describes exactly what was saved.
            cursor = target.cursor()
            counts = _row_counts(cursor, engine)
            schema = _applied_migrations(cursor)
            keys = _keys_needed(cursor)
        finally:
            target.close()
    else:
        database_file = folder / POSTGRES_FILE
        with pg_connect(settings_dict) as source:
            source.autocommit = True  # the transaction below is opened by hand
            # One exported snapshot for the counts, the key scan and pg_dump alike.
            source.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = source.execute("SELECT pg_export_snapshot()").fetchone()[0]
            subprocess.run(  # noqa: S603 - fixed argument list
                [
                    shutil.which("pg_dump") or "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={database_file}",
                ],
                env=_pg_environment(settings_dict),
                check=True,
                capture_output=True,
            )
            cursor = source.cursor()
            counts = _row_counts(cursor, engine)
            schema = _applied_migrations(cursor)
            keys = _keys_needed(cursor)
            source.execute("ROLLBACK")
    files = {database_file.name: _sha256(database_file)}
    media = _write_media(folder)
    if media:
        files[media] = _sha256(folder / media)
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(),
        "engine": engine,
        "schema": schema,
        "row_counts": counts,
        "files": files,
        "encryption_keys_needed": keys,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return BackupResult(folder=folder, manifest=manifest)


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


def backup_check(*, folder: Path, target: dict[str, Any]) -> dict[str, Any]:
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
def _target_cursor(target: dict[str, Any]) -> Iterator[Any]:
    if _engine(target) == "sqlite":
        database = sqlite3.connect(target["NAME"])
        try:
            yield database.cursor()
        finally:
            database.close()
    else:
        with pg_connect(target) as database:
            database.autocommit = True
            yield database.cursor()


def _restore_media(folder: Path) -> None:
    archive_path = folder / MEDIA_FILE
    if not archive_path.is_file():
        return
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path) as archive:
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        archive.extractall(media_root, filter="data")


def backup_restore(*, folder: Path, database_url: str | None = None) -> dict[str, int]:
    """Restores a checked backup into an empty database and returns its row counts."""
    target = dj_database_url.parse(database_url) if database_url else dict(connection.settings_dict)
    manifest = backup_check(folder=folder, target=target)
    engine = _engine(target)
    with _target_cursor(target) as cursor:
        if _tables(cursor, engine):
            raise RestoreRefused(
                "The target database already holds tables. Restore into an empty database so "
                "nothing is overwritten."
            )
    if engine == "sqlite":
        source = sqlite3.connect(f"file:{folder / SQLITE_FILE}?mode=ro", uri=True)
        destination = sqlite3.connect(target["NAME"])
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()
    else:
        subprocess.run(  # noqa: S603 - fixed argument list
            [
                shutil.which("pg_restore") or "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={target['NAME']}",
                str(folder / POSTGRES_FILE),
            ],
            env=_pg_environment(target),
            check=True,
            capture_output=True,
        )
    _restore_media(folder)
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
