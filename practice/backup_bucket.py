"""Backups in an S3-compatible bucket of their own (BACKUP_S3_BUCKET), for sites whose machines
share no disk.

A backup is written exactly as into a folder (practice/backup.py: age-encrypted files and a
manifest) inside a private temporary folder, then uploaded under the backup's name as a key
prefix, the manifest last: a backup without its manifest is not a backup, and an upload that
fails removes what it had put there. A restore downloads one such backup into a private
temporary folder and restores from it as from a folder. The bucket sees only encrypted files and
the manifest (row counts, checksums, key fingerprints, erased clients' codes).

The bucket is reached with the uploads' connection settings (S3_ENDPOINT_URL, S3_REGION,
S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY); connecting gives up after a few seconds, and a bucket
that does not exist or cannot be reached is refused in one line, never a traceback or a wait.
"""

import json
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from practice.backup import MANIFEST, BackupFailed, RestoreRefused

# Short waits and few retries: an operator at a terminal is told at once that the bucket is
# unreachable instead of watching boto3 retry for minutes.
CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 2})


class BucketUnreachable(Exception):
    """The backup bucket is not configured, does not exist or cannot be reached."""


def backup_bucket() -> str:
    if not settings.BACKUP_S3_BUCKET:
        raise BucketUnreachable(
            "BACKUP_S3_BUCKET is not set: name the bucket that keeps the backups."
        )
    return settings.BACKUP_S3_BUCKET


def _client() -> Any:
    return boto3.client(
        "s3",
        endpoint_url=settings.S3_ENDPOINT_URL or None,
        region_name=settings.S3_REGION or None,
        aws_access_key_id=settings.S3_ACCESS_KEY_ID or None,
        aws_secret_access_key=settings.S3_SECRET_ACCESS_KEY or None,
        config=CLIENT_CONFIG,
    )


def _said(error: Exception) -> str:
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Message") or str(error)
    return " ".join(str(error).split())


def _reachable_bucket() -> tuple[Any, str]:
    """The client and bucket name, once the bucket is known to exist and answer."""
    bucket = backup_bucket()
    client = _client()
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("404", "NoSuchBucket"):
            raise BucketUnreachable(
                f"The backup bucket {bucket!r} does not exist: create it (private) first."
            ) from None
        if code in ("403", "AccessDenied"):
            raise BucketUnreachable(
                f"The backup bucket {bucket!r} refuses these credentials (access denied)."
            ) from None
        raise BucketUnreachable(f"The backup bucket {bucket!r} answered: {_said(error)}") from None
    except BotoCoreError as error:
        raise BucketUnreachable(
            f"Cannot reach the object storage for bucket {bucket!r}: {_said(error)}"
        ) from None
    return client, bucket


def _keys(client: Any, bucket: str, prefix: str) -> list[str]:
    keys: list[str] = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(item["Key"] for item in page.get("Contents", []))
    return keys


def list_backups() -> list[str]:
    """The names of the complete backups in the bucket (their manifest is there), oldest first."""
    client, bucket = _reachable_bucket()
    ending = "/" + MANIFEST
    return sorted(
        key.removesuffix(ending)
        for key in _keys(client, bucket, "")
        if key.endswith(ending) and key.count("/") == 1
    )


def upload_backup(folder: Path) -> str:
    """Uploads a finished backup folder under its own name; returns where it now lives."""
    client, bucket = _reachable_bucket()
    prefix = folder.name + "/"
    if _keys(client, bucket, prefix):
        raise BackupFailed(f"s3://{bucket}/{folder.name} already exists.")
    names = sorted(path.name for path in folder.iterdir() if path.name != MANIFEST)
    uploaded = []
    try:
        # The manifest last: whoever lists the bucket sees a backup only once it is complete.
        for name in [*names, MANIFEST]:
            client.upload_file(str(folder / name), bucket, prefix + name)
            uploaded.append(prefix + name)
    except (BotoCoreError, ClientError) as error:
        for key in uploaded:
            client.delete_object(Bucket=bucket, Key=key)
        raise BackupFailed(f"Uploading to s3://{bucket} failed: {_said(error)}") from None
    return f"s3://{bucket}/{folder.name}"


def _backup_prefix(name: str) -> str:
    name = name.strip("/")
    if not name or "/" in name:
        raise RestoreRefused(f"{name!r} is not the name of a backup (groundwork-backup-…).")
    return name + "/"


def download_backup(name: str, into: Path) -> Path:
    """Downloads the backup called `name` into a new folder inside `into` (owner-only files)."""
    try:
        client, bucket = _reachable_bucket()
    except BucketUnreachable as error:
        raise RestoreRefused(str(error)) from None
    prefix = _backup_prefix(name)
    keys = _keys(client, bucket, prefix)
    if prefix + MANIFEST not in keys:
        raise RestoreRefused(f"s3://{bucket} holds no complete backup called {name.strip('/')}.")
    folder = into / prefix.rstrip("/")
    folder.mkdir(mode=0o700)
    for key in keys:
        target = folder / key.removeprefix(prefix)
        if target.parent != folder:
            continue  # not written by `backup`: nothing of ours lives deeper
        try:
            client.download_file(bucket, key, str(target))
        except (BotoCoreError, ClientError) as error:
            raise RestoreRefused(f"Downloading {key} failed: {_said(error)}") from None
        target.chmod(0o600)
    return folder


def erased_codes_in(name: str) -> list[str]:
    """The erased clients' codes in the manifest of the bucket's backup called `name`."""
    try:
        client, bucket = _reachable_bucket()
    except BucketUnreachable as error:
        raise RestoreRefused(str(error)) from None
    key = _backup_prefix(name) + MANIFEST
    try:
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        return list(json.loads(body)["erased_clients"])
    except (BotoCoreError, ClientError, ValueError, KeyError):
        raise RestoreRefused(
            f"Cannot read a list of erased clients from s3://{bucket}/{key}."
        ) from None
