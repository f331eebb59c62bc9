"""The fixed words the pose library, routines and (later) the safety checker share.

Stored values are the enum values; labels are what teachers read. Changing a value means
migrating data, so add new words rather than renaming old ones.
"""

from django.db import models

from practice.vocabulary import Movement, labels

__all__ = ["BodyArea", "Category", "Movement", "Position", "Prop", "Sides", "labels"]


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
    # Lying on the side is neither supine nor prone: it often suits people for whom those don't.
    SIDE_LYING = "side_lying", "Lying on the side"


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
