"""Several machines, no shared folder: uploads and job results in an S3-compatible bucket
(here moto's S3 server, over HTTP like any other), encrypted exactly as on disk."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from practice.models import BackgroundJob
from tests.conftest import run_task_worker, uploads_in_a_bucket
from tests.factories import RoutineFactory, RoutineStepFactory

pytestmark = pytest.mark.django_db
BUCKET = "groundwork-test"


@pytest.fixture
def bucket(settings, s3_endpoint):
    with uploads_in_a_bucket(settings, s3_endpoint, BUCKET) as s3:
        yield s3


def _keys(s3) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_job_result_lives_encrypted_in_the_bucket_and_goes_after_its_download(world, bucket):
    routine = RoutineFactory(studio=world.studio, title="Morning hips")
    RoutineStepFactory(routine=routine, position=1)
    client = world.client_for(world.bob)
    client.post(
        reverse("routine_batch_print", args=[world.studio.code]), {"routine": [routine.code]}
    )
    run_task_worker()
    job = BackgroundJob.objects.get()
    assert job.status == BackgroundJob.Status.DONE
    assert _keys(bucket) == [job.result_name]
    stored = bucket.get_object(Bucket=BUCKET, Key=job.result_name)["Body"].read()
    assert not stored.startswith(b"PK")  # encrypted, not a readable ZIP
    download = client.get(reverse("job_download", args=[world.studio.code, job.code]))
    assert download.status_code == 200 and download.content.startswith(b"PK")
    assert _keys(bucket) == []


def test_uploads_go_to_the_bucket_when_one_is_configured(bucket):
    name = default_storage.save("studios/a/logo/a.png", ContentFile(b"\x89PNG logo"))
    assert _keys(bucket) == [name]
    assert default_storage.open(name).read() == b"\x89PNG logo"


def test_s3_bucket_settings_switch_uploads_and_job_results_to_the_bucket():
    from tests.test_settings import _manage

    code = (
        "from django.conf import settings; s = settings.STORAGES;"
        "print(s['default']['BACKEND'], s['jobs']['OPTIONS']['bucket_name'],"
        " s['jobs']['OPTIONS']['endpoint_url'])"
    )
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        S3_BUCKET="studio-files",
        S3_ENDPOINT_URL="https://s3.example.net",
    )
    assert result.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "studio-files",
        "https://s3.example.net",
    ]


def test_backups_are_refused_a_place_in_the_uploads_bucket():
    """Every backup archives the uploads' bucket whole: backups inside it would nest."""
    from tests.test_settings import _manage

    result = _manage("check", S3_BUCKET="studio-files", BACKUP_S3_BUCKET="studio-files")
    assert result.returncode != 0
    assert "BACKUP_S3_BUCKET must be another bucket than S3_BUCKET" in result.stderr
