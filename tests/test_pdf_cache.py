"""The PDF cache holds only what is about no one: never decrypted client text, nothing to erase."""

import io
import pickle
import zlib
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from clients.services import client_erase
from tests.factories import (
    ClientFactory,
    ConsentDocumentFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    TriggerFactory,
    library_pose,
)

pytestmark = pytest.mark.django_db
TRIGGER_PHRASE = "Startles at footsteps behind"
PRECAUTION_PHRASE = "nothing past ninety degrees"


@pytest.fixture
def file_cache(settings, tmp_path) -> Path:
    """The production backend without Redis: a folder of files anyone with disk access reads."""
    location = tmp_path / "cache"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(location),
        }
    }
    cache.clear()
    return location


def _cached_values(location: Path) -> list[object]:
    """Every value the file cache holds, read the way the backend writes it."""
    values = []
    for path in location.rglob("*.djcache"):
        with path.open("rb") as handle:
            pickle.load(handle)  # noqa: S301 - the expiry; files this test wrote itself
            values.append(pickle.loads(zlib.decompress(handle.read())))  # noqa: S301
    return values


def _cached_pdf_texts(location: Path) -> list[str]:
    texts = []
    for value in _cached_values(location):
        if isinstance(value, bytes) and value.startswith(b"%PDF"):
            reader = PdfReader(io.BytesIO(value))
            texts.append(" ".join(" ".join(p.extract_text().split()) for p in reader.pages))
    return texts


@pytest.fixture
def tailored(world):
    client = ClientFactory(studio=world.studio, preferred_name="Rosa", full_name="Rosa Delgado")
    PrecautionFactory(client=client, note=f"Surgeon: {PRECAUTION_PHRASE}")
    TriggerFactory(client=client, note=TRIGGER_PHRASE, what_helps="Face the door")
    ConsentDocumentFactory(studio=world.studio, version=1, text="Taking part is your choice.")
    routine = RoutineFactory(studio=world.studio, client=client, title="Gentle hips")
    RoutineStepFactory(routine=routine, position=1, pose=library_pose("butterfly"))
    return routine


def _print_everything_about(world, routine) -> None:
    client = world.client_for(world.bob)
    studio = world.studio.code
    for url in (
        reverse("routine_teacher_sheet", args=[studio, routine.code]),
        # Butterfly conflicts with her hip precaution, so the download first asks to confirm.
        reverse("routine_handout", args=[studio, routine.code]) + "?confirmed=1",
        reverse("client_consent_form", args=[studio, routine.client.code]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")


def test_no_decrypted_client_text_reaches_the_cache_storage(world, tailored, file_cache):
    _print_everything_about(world, tailored)
    texts = _cached_pdf_texts(file_cache)
    assert not any(TRIGGER_PHRASE in text or PRECAUTION_PHRASE in text for text in texts)
    assert not any("Rosa" in text for text in texts)
    # The raw files too, in case anything else (not a PDF) carried the words.
    for path in file_cache.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert TRIGGER_PHRASE.encode() not in raw and b"Rosa" not in raw


def test_after_erasure_no_cached_pdf_is_left_about_the_client(world, tailored, file_cache):
    _print_everything_about(world, tailored)
    client_erase(client=tailored.client, by=world.alice.user)
    assert not any("Rosa" in text for text in _cached_pdf_texts(file_cache))
    # The routine itself stays, now about no one, and its handout may be cached again.
    assert not any("Gentle hips" in text for text in _cached_pdf_texts(file_cache))


def test_pdfs_about_no_one_are_still_cached(world, file_cache):
    ConsentDocumentFactory(studio=world.studio, version=1, text="Taking part is your choice.")
    routine = RoutineFactory(studio=world.studio, title="Morning hips")
    RoutineStepFactory(routine=routine, position=1, pose=library_pose("butterfly"))
    client = world.client_for(world.ada)
    client.get(reverse("routine_handout", args=[world.studio.code, routine.code]))
    client.get(reverse("consent_form", args=[world.studio.code]))
    texts = _cached_pdf_texts(file_cache)
    assert len(texts) == 2
    assert any("Morning hips" in text for text in texts)
    assert any("Taking part is your choice." in text for text in texts)
