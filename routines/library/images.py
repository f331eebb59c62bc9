"""Checking and cleaning a picture uploaded for a studio's pose.

An upload is only trusted after Pillow has decoded it: the file name and the browser's content
type are ignored. What is stored is a fresh PNG drawn from the decoded pixels, so nothing from
the original file survives (EXIF with camera, time and GPS location, comments, ICC profiles).
"""

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4000
MIN_SIDE = 64
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}

_NOT_A_PICTURE = "This file is not a picture we can read. Please choose a JPEG, PNG or WEBP image."


def _has_transparency(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info


@contextmanager
def _whole_files_only() -> Iterator[None]:
    """WeasyPrint switches on Pillow's global tolerance for truncated images when imported;
    an upload must be a whole picture, so decoding here is strict whatever was imported."""
    tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def clean_pose_image(upload: UploadedFile) -> ContentFile:
    """The upload as a metadata-free PNG, or a ValidationError that says what to change."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError("This picture is larger than 5 MB. Please choose a smaller file.")
    upload.seek(0)
    try:
        # Pillow warns, then refuses, when a small file claims a huge pixel count (a
        # "decompression bomb"); our own, much lower, limit below is checked before any
        # decoding, and the warning is turned into a refusal so it cannot slip by.
        with warnings.catch_warnings(), _whole_files_only():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise ValidationError(
                        f"Pictures can be JPEG, PNG or WEBP; this file is {image.format}."
                    )
                width, height = image.size
                if width > MAX_SIDE or height > MAX_SIDE:
                    raise ValidationError(
                        f"This picture is {width} by {height} pixels. Please choose one no larger "
                        f"than {MAX_SIDE} by {MAX_SIDE}."
                    )
                if width < MIN_SIDE or height < MIN_SIDE:
                    raise ValidationError(
                        f"This picture is {width} by {height} pixels, too small to show well. "
                        f"Please choose one at least {MIN_SIDE} pixels on each side."
                    )
                image.load()
                # Phones record "rotate me" in EXIF; apply it now, since EXIF is dropped.
                upright = ImageOps.exif_transpose(image)
                mode = "RGBA" if _has_transparency(upright) else "RGB"
                pixels = upright.convert(mode)
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise ValidationError(_NOT_A_PICTURE) from None
    # A new image carries only pixels: no EXIF, text chunks or profiles from the upload.
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    output = BytesIO()
    clean.save(output, format="PNG", optimize=True)
    return ContentFile(output.getvalue(), name="pose.png")
