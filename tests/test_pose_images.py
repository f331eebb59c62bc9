from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from routines.library.images import MAX_BYTES, clean_pose_image
from routines.library.vocabulary import Category, Position
from routines.models import Pose

pytestmark = pytest.mark.django_db

CAMERA = "Secret Camera Co"
EXIF_MAKE, EXIF_ORIENTATION, EXIF_GPS = 0x010F, 0x0112, 0x8825


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _picture(
    size: tuple[int, int] = (200, 100), fmt: str = "JPEG", mode: str = "RGB", exif=None
) -> bytes:
    output = BytesIO()
    image = Image.new(mode, size, (200, 120, 80, 255)[: len(mode)])
    image.save(output, fmt, **({"exif": exif} if exif is not None else {}))
    return output.getvalue()


def _phone_exif(orientation: int = 1) -> Image.Exif:
    """What a phone writes: the camera, the rotation and where the picture was taken."""
    exif = Image.Exif()
    exif[EXIF_MAKE] = CAMERA
    exif[EXIF_ORIENTATION] = orientation
    gps = exif.get_ifd(EXIF_GPS)
    gps[1], gps[2] = "N", (51.0, 30.0, 12.5)
    return exif


def _upload(data: bytes, name: str = "pose.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _opened(content) -> Image.Image:
    return Image.open(BytesIO(content.read() if hasattr(content, "read") else content))


def _studio_pose(studio, **fields) -> Pose:
    return Pose.objects.create(
        studio=studio,
        name=fields.pop("name", "Rocking on the back"),
        category=Category.WARM_UP,
        position=Position.SUPINE,
        steps=["If you like, lie down.", "You might rock gently."],
        hold_breaths=6,
        **fields,
    )


def _pose_data(**changes) -> dict:
    data = {
        "name": "Side-lying rest",
        "category": Category.REST,
        "position": Position.SUPINE,
        "steps": "If you like, lie on your side.\nYou might rest a cushion between your knees.",
        "hold_breaths": "10",
    }
    data.update(changes)
    return data


# --- Cleaning an upload -----------------------------------------------------------------------


def test_a_photo_is_stored_as_png_without_its_metadata():
    cleaned = clean_pose_image(_upload(_picture(exif=_phone_exif())))
    data = cleaned.read()
    stored = _opened(data)
    assert stored.format == "PNG"
    assert stored.size == (200, 100)
    assert not stored.getexif()
    assert "exif" not in stored.info
    assert CAMERA.encode() not in data


def test_the_rotation_a_phone_recorded_is_applied_before_metadata_is_dropped():
    # Orientation 6: the camera was turned, so the picture shows upright when rotated 90°.
    cleaned = clean_pose_image(_upload(_picture(size=(200, 100), exif=_phone_exif(6))))
    assert _opened(cleaned).size == (100, 200)


def test_transparency_is_kept():
    upload = _upload(_picture(fmt="PNG", mode="RGBA"), "pose.png", "image/png")
    assert _opened(clean_pose_image(upload)).mode == "RGBA"


def test_webp_is_accepted():
    upload = _upload(_picture(fmt="WEBP"), "pose.webp", "image/webp")
    assert _opened(clean_pose_image(upload)).format == "PNG"


def test_a_file_that_only_calls_itself_png_is_refused():
    upload = _upload(b"<script>alert(1)</script>" * 10, "pose.png", "image/png")
    with pytest.raises(ValidationError, match="not a picture we can read"):
        clean_pose_image(upload)


def test_other_image_formats_are_refused_by_content_not_by_name():
    upload = _upload(_picture(fmt="GIF", mode="P"), "pose.jpg", "image/jpeg")
    with pytest.raises(ValidationError, match="JPEG, PNG or WEBP; this file is GIF"):
        clean_pose_image(upload)


def test_a_broken_picture_is_refused():
    data = _picture(size=(300, 300))
    with pytest.raises(ValidationError, match="not a picture we can read"):
        clean_pose_image(_upload(data[: len(data) // 2]))


@pytest.mark.parametrize(
    ("size", "message"),
    [((4001, 100), "no larger than 4000 by 4000"), ((100, 63), "at least 64 pixels")],
)
def test_pictures_too_large_or_too_small_are_refused(size, message):
    upload = _upload(_picture(size=size, fmt="PNG"), "pose.png", "image/png")
    with pytest.raises(ValidationError, match=message):
        clean_pose_image(upload)


def test_a_file_over_5_mb_is_refused_before_it_is_read():
    upload = _upload(b"\0" * (MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="larger than 5 MB"):
        clean_pose_image(upload)


@pytest.mark.parametrize("limit", [1000, 100 * 100 - 1])
def test_a_decompression_bomb_is_refused(monkeypatch, limit):
    # Pillow refuses above twice its limit and warns above it; both must end in a refusal.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)
    with pytest.raises(ValidationError, match="not a picture we can read"):
        clean_pose_image(_upload(_picture(size=(100, 100))))


# --- Through the pages ------------------------------------------------------------------------


def test_a_pose_picture_is_stored_per_studio_without_exif(world, _media_root):
    upload = _upload(_picture(exif=_phone_exif()), "IMG_0001.jpg")
    response = world.client_for(world.bob).post(
        reverse("pose_create", args=[world.studio.code]), _pose_data(image=upload)
    )
    assert response.status_code == 302
    pose = Pose.objects.get(studio=world.studio)
    assert pose.image.name.startswith(f"studios/{world.studio.code}/poses/")
    assert pose.image.name.endswith(".png")
    assert "IMG_0001" not in pose.image.name
    stored = (_media_root / pose.image.name).read_bytes()
    assert not _opened(stored).getexif()
    assert CAMERA.encode() not in stored


def test_a_fake_picture_is_explained_and_nothing_is_saved(world):
    upload = _upload(b"not really a picture at all", "pose.png", "image/png")
    response = world.client_for(world.alice).post(
        reverse("pose_create", args=[world.studio.code]), _pose_data(image=upload)
    )
    assert response.status_code == 400
    assert "not a picture we can read" in response.text
    assert "please choose it again" in response.text
    assert 'value="Side-lying rest"' in response.text
    assert not Pose.objects.filter(studio=world.studio).exists()


def test_a_picture_too_large_is_explained(world):
    pose = _studio_pose(world.studio)
    upload = _upload(_picture(size=(4100, 64), fmt="PNG"), "wide.png", "image/png")
    response = world.client_for(world.alice).post(
        reverse("pose_edit", args=[world.studio.code, pose.code]), _pose_data(image=upload)
    )
    assert response.status_code == 400
    assert "4100 by 64 pixels" in response.text
    pose.refresh_from_db()
    assert not pose.image
    assert pose.name == "Rocking on the back"


def _pose_with_picture(world) -> Pose:
    client = world.client_for(world.alice)
    client.post(
        reverse("pose_create", args=[world.studio.code]),
        _pose_data(image=_upload(_picture())),
    )
    return Pose.objects.get(studio=world.studio)


def test_the_picture_is_served_to_every_member_and_only_through_the_app(world):
    pose = _pose_with_picture(world)
    url = reverse("pose_image", args=[world.studio.code, pose.code])
    for membership in (world.alice, world.bob, world.ada):
        response = world.client_for(membership).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        assert _opened(b"".join(response.streaming_content)).format == "PNG"
    detail = world.client_for(world.ada).get(pose.url_in(world.studio)).text
    assert f'src="{url}"' in detail
    assert pose.image.name not in detail


def test_the_picture_is_404_to_other_studios(world):
    pose = _pose_with_picture(world)
    charlie = world.client_for(world.charlie)
    assert (
        charlie.get(reverse("pose_image", args=[world.studio.code, pose.code])).status_code == 404
    )
    inside_b = reverse("pose_image", args=[world.other_studio.code, pose.code])
    assert charlie.get(inside_b).status_code == 404


def test_a_pose_without_a_picture_answers_404(world):
    pose = _studio_pose(world.studio)
    url = reverse("pose_image", args=[world.studio.code, pose.code])
    assert world.client_for(world.alice).get(url).status_code == 404


def test_a_picture_can_be_removed_and_a_copy_keeps_its_own(world):
    pose = _pose_with_picture(world)
    client = world.client_for(world.alice)
    client.post(reverse("pose_copy", args=[world.studio.code, pose.code]))
    copy = Pose.objects.get(based_on=pose)
    edit = reverse("pose_edit", args=[world.studio.code, pose.code])
    assert "Remove the current picture" in client.get(edit).text
    response = client.post(edit, _pose_data(remove_image="on"))
    assert response.status_code == 302
    pose.refresh_from_db()
    assert not pose.image
    # Removing a picture only unlinks it: the copy made earlier still shows the same file.
    copy_image = reverse("pose_image", args=[world.studio.code, copy.code])
    assert client.get(copy_image).status_code == 200
