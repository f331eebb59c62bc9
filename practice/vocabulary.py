"""Words shared by every app: the movements a pose makes and a precaution restricts.

This sits at the bottom of the import order (routines -> clients -> practice) so that intake
(clients) and the pose library (routines) share one vocabulary without importing each other.
Stored values are the enum values; labels are what teachers read. Changing a value means
migrating data, so add new words rather than renaming old ones.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible


class Movement(models.TextChoices):
    HIP_FLEXION_PAST_90 = "hip_flexion_past_90", "Hip flexion past 90°"
    HIP_ADDUCTION_PAST_MIDLINE = "hip_adduction_past_midline", "Hip adduction past the midline"
    HIP_INTERNAL_ROTATION = "hip_internal_rotation", "Hip internal rotation"
    HIP_EXTERNAL_ROTATION = "hip_external_rotation", "Hip external rotation"
    HIP_ABDUCTION = "hip_abduction", "Legs apart (abduction)"
    HIP_EXTENSION = "hip_extension", "Hip extension"
    DEEP_KNEE_FLEXION = "deep_knee_flexion", "Deep knee flexion"
    KNEELING_LOAD = "kneeling_load", "Kneeling load"
    SPINAL_FLEXION = "spinal_flexion", "Spinal flexion"
    TWIST = "twist", "Twist"
    ASYMMETRIC_PELVIS = "asymmetric_pelvis", "Asymmetric pelvis"
    SUPINE = "supine", "Lying on the back"
    PRONE = "prone", "Lying on the front"
    INVERSION = "inversion", "Inversion"
    BREATH_RETENTION = "breath_retention", "Breath retention"
    EYES_CLOSED_OR_FOREHEAD_DOWN = "eyes_closed_or_forehead_down", "Eyes closed or forehead down"
    WEIGHT_BEARING = "weight_bearing", "Weight-bearing"
    KNEE_ROTATION = "knee_rotation", "Twisting at the knee"
    STEPPING_BACK = "stepping_back", "Stepping back"
    SPINAL_EXTENSION = "spinal_extension", "Deep backbend (spinal extension)"
    END_RANGE_STRETCH = "end_range_stretch", "End-range stretching"
    # The teacher offers hands-on help in this shape (only ever with consent, asked each time).
    HANDS_ON_HELP = "hands_on_help", "Hands-on help offered"


@deconstructible
class WordListValidator:
    """Accepts a list whose items all come from one vocabulary (a TextChoices class)."""

    def __init__(self, vocabulary: type[models.TextChoices]) -> None:
        self.vocabulary = vocabulary

    def __call__(self, values: list[str]) -> None:
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValidationError("Expected a list of words.")
        unknown = sorted(set(values) - set(self.vocabulary.values))
        if unknown:
            raise ValidationError(f"Unknown: {', '.join(unknown)}.")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordListValidator) and other.vocabulary is self.vocabulary


validate_movements = WordListValidator(Movement)


def labels(choices: type[models.TextChoices], values: list[str]) -> list[str]:
    """Human labels for stored values, in the order given; unknown values pass through."""
    mapping = dict(choices.choices)
    return [mapping.get(value, value) for value in values]
