"""The fixed words the pose library, routines and (later) the safety checker share.

Stored values are the enum values; labels are what teachers read. Changing a value means
migrating data, so add new words rather than renaming old ones.
"""

from django.db import models


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


class Category(models.TextChoices):
    WARM_UP = "warm_up", "Warm-up"
    HIP_OPENER = "hip_opener", "Hip opener"
    STRENGTH = "strength", "Strength and stability"
    TWIST = "twist", "Twist"
    REST = "rest", "Rest"
    BREATH = "breath", "Breath practice"


class Position(models.TextChoices):
    STANDING = "standing", "Standing"
    SEATED = "seated", "Seated"
    KNEELING = "kneeling", "Kneeling"
    SUPINE = "supine", "Lying on the back"
    PRONE = "prone", "Lying on the front"
    CHAIR = "chair", "Chair"


class BodyArea(models.TextChoices):
    HIPS = "hips", "Hips"
    HIP_FLEXORS = "hip_flexors", "Hip flexors"
    GLUTES = "glutes", "Glutes"
    INNER_THIGHS = "inner_thighs", "Inner thighs"
    HAMSTRINGS = "hamstrings", "Hamstrings"
    QUADRICEPS = "quadriceps", "Quadriceps"
    LOW_BACK = "low_back", "Low back"
    SPINE = "spine", "Spine"
    KNEES = "knees", "Knees"
    ANKLES = "ankles", "Ankles"
    SHOULDERS = "shoulders", "Shoulders"
    WHOLE_BODY = "whole_body", "Whole body"


class Prop(models.TextChoices):
    BOLSTER = "bolster", "Bolster"
    BLANKET = "blanket", "Blanket"
    BLOCK = "block", "Block"
    STRAP = "strap", "Strap"
    CHAIR = "chair", "Chair"
    WALL = "wall", "Wall"
    PILLOW = "pillow", "Pillow"
    CUSHION = "cushion", "Cushion"
    TOWEL = "towel", "Towel"


class Sides(models.TextChoices):
    BOTH = "both", "Both sides"
    LEFT = "left", "Left side"
    RIGHT = "right", "Right side"
    NOT_APPLICABLE = "na", "No sides"


def labels(choices: type[models.TextChoices], values: list[str]) -> list[str]:
    """Human labels for stored values, in the order given; unknown values pass through."""
    mapping = dict(choices.choices)
    return [mapping.get(value, value) for value in values]
