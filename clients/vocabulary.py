"""Curated lists for intake. Stored values never change; labels may be reworded."""

from django.db import models

from practice.vocabulary import Movement


class Condition(models.TextChoices):
    HIP_REPLACEMENT_POSTERIOR = "thr_posterior", "Total hip replacement, posterior approach"
    HIP_REPLACEMENT_ANTERIOR = "thr_anterior", "Total hip replacement, anterior approach"
    HIP_REPLACEMENT_LATERAL = "thr_lateral", "Total hip replacement, lateral approach"
    KNEE_INJURY = "knee_injury", "Knee injury or meniscus"
    SI_JOINT = "si_joint", "SI joint dysfunction"
    LUMBAR_DISC = "lumbar_disc", "Lumbar disc problem"
    LOW_BACK_PAIN = "low_back_pain", "Lower-back pain"
    OSTEOPOROSIS = "osteoporosis", "Osteoporosis"
    PREGNANCY = "pregnancy", "Pregnancy"
    HYPERMOBILITY = "hypermobility", "Hypermobility"
    OTHER = "other", "Other"


M = Movement
# What a precaution usually restricts; the form starts from this and the teacher adjusts it,
# because surgeons and physiotherapists set their own rules.
USUAL_RESTRICTIONS: dict[str, list[str]] = {
    Condition.HIP_REPLACEMENT_POSTERIOR: [
        M.HIP_FLEXION_PAST_90,
        M.HIP_ADDUCTION_PAST_MIDLINE,
        M.HIP_INTERNAL_ROTATION,
    ],
    Condition.HIP_REPLACEMENT_ANTERIOR: [M.HIP_EXTENSION, M.HIP_EXTERNAL_ROTATION, M.PRONE],
    Condition.HIP_REPLACEMENT_LATERAL: [
        M.HIP_FLEXION_PAST_90,
        M.HIP_ADDUCTION_PAST_MIDLINE,
        M.HIP_INTERNAL_ROTATION,
        M.HIP_ABDUCTION,
    ],
    Condition.KNEE_INJURY: [M.DEEP_KNEE_FLEXION, M.KNEELING_LOAD],
    Condition.SI_JOINT: [M.HIP_ABDUCTION, M.TWIST, M.SPINAL_FLEXION, M.ASYMMETRIC_PELVIS],
    Condition.LUMBAR_DISC: [M.SPINAL_FLEXION, M.TWIST],
    Condition.LOW_BACK_PAIN: [M.SPINAL_FLEXION],
    Condition.OSTEOPOROSIS: [M.SPINAL_FLEXION],
    Condition.PREGNANCY: [M.PRONE, M.TWIST, M.INVERSION, M.BREATH_RETENTION],
    Condition.HYPERMOBILITY: [],
    Condition.OTHER: [],
}


class BodySide(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both"
    NOT_APPLICABLE = "na", "Not applicable"


class SetBy(models.TextChoices):
    SURGEON = "surgeon", "Surgeon"
    PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"
    DOCTOR = "doctor", "Doctor"
    SELF_REPORTED = "self", "Self-reported"


class TriggerCategory(models.TextChoices):
    TOUCH = "touch", "Touch"
    LYING_ON_BACK = "lying_on_back", "Lying on the back"
    LEGS_APART = "legs_apart", "Legs-apart positions"
    SOMEONE_BEHIND = "someone_behind", "Someone behind them"
    EYES_CLOSED = "eyes_closed", "Closing the eyes"
    LIGHTING = "lighting", "Very dim or very bright light"
    WORDS = "words", "Certain words or commands"
    SOUNDS = "sounds", "Music or sounds"
    SCENTS = "scents", "Scents"
    CONFINED = "confined", "Confined spaces"
    OTHER = "other", "Other"


class TouchConsent(models.TextChoices):
    ASK = "ask", "Ask every time"
    YES = "yes", "Hands-on help is welcome"
    NO = "no", "No touch"


class Clearance(models.TextChoices):
    NOT_NEEDED = "not_needed", "Not needed"
    REQUESTED = "requested", "Requested"
    RECEIVED = "received", "Received"


class Lighting(models.TextChoices):
    NO_PREFERENCE = "", "No preference"
    SOFT = "soft", "Soft, not dim"
    BRIGHT = "bright", "Bright"
    NATURAL = "natural", "Daylight where possible"


class Music(models.TextChoices):
    NO_PREFERENCE = "", "No preference"
    NONE = "none", "No music"
    QUIET = "quiet", "Quiet background music"
    THEIR_OWN = "own", "Their own choice of music"


class NotePrivacy(models.TextChoices):
    """Who can read a note, as clients/rules.py and `Note.objects.visible_to` decide it: the
    owner reads every note, and the author always reads their own. The labels say exactly that;
    they are shown to the author choosing and to every reader, so they name no "me"."""

    STUDIO = "studio", "Every teacher: the owner and all instructors (not assistants)"
    CARE_TEAM = "care_team", "This client's care team, its author and the studio owner"
    AUTHOR = "author", "Only its author and the studio owner"
