"""Curated lists for intake. Stored values never change; labels may be reworded."""

from django.db import models

from practice.vocabulary import WordListValidator


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


# What each condition usually restricts, with its source: see clients/safety_rules.py.


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


class TouchToday(models.TextChoices):
    """The answer to "hands-on support today?" at a session's check-in, in the client's words.
    Stored values are TouchConsent's: the answer joins the same touch history."""

    YES = "yes", "Yes"
    NO = "no", "No"
    ASK = "ask", "Ask me"


class RoomWish(models.TextChoices):
    """What helps someone feel at ease in the room: shown on a session's room sheet."""

    NEAR_DOOR = "near_door", "A mat near the door"
    EYES_OPEN = "eyes_open", "Eyes open"
    LIGHTS_ON = "lights_on", "Lights on"
    NOBODY_BEHIND = "nobody_behind", "Nobody behind them"
    MUSIC = "music", "Music"
    QUIET = "quiet", "Quiet"


validate_room_wishes = WordListValidator(RoomWish)


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


class RoomWishAsked(models.TextChoices):
    """RoomWish's codes in the client's own voice, as the intake link asks them (the teacher's
    pages and the room sheet name them with RoomWish's words)."""

    NEAR_DOOR = "near_door", "A place near the door"
    EYES_OPEN = "eyes_open", "Keeping my eyes open"
    LIGHTS_ON = "lights_on", "The lights on, not dimmed"
    NOBODY_BEHIND = "nobody_behind", "Nobody behind me"
    QUIET = "quiet", "Quiet, no music"
    MUSIC = "music", "Soft music"


class NotePrivacy(models.TextChoices):
    """Who can read a note, as clients/rules.py and `Note.objects.visible_to` decide it: the
    owner reads every note, and the author always reads their own. The labels say exactly that;
    they are shown to the author choosing and to every reader, so they name no "me"."""

    STUDIO = "studio", "Every teacher: the owner and all instructors (not assistants)"
    CARE_TEAM = "care_team", "This client's care team, its author and the studio owner"
    AUTHOR = "author", "Only its author and the studio owner"


# The studio's list in the client's words (the teacher's labels say "them").
CLIENT_TRIGGER_WORDS = {
    TriggerCategory.TOUCH: "Being touched",
    TriggerCategory.LYING_ON_BACK: "Lying on my back",
    TriggerCategory.LEGS_APART: "Positions with my legs apart",
    TriggerCategory.SOMEONE_BEHIND: "Someone behind me",
    TriggerCategory.EYES_CLOSED: "Closing my eyes",
    TriggerCategory.LIGHTING: "Very dim or very bright light",
    TriggerCategory.WORDS: "Certain words or commands",
    TriggerCategory.SOUNDS: "Music or sounds",
    TriggerCategory.SCENTS: "Scents",
    TriggerCategory.CONFINED: "Confined spaces",
    TriggerCategory.OTHER: "Something else",
}
CLIENT_TOUCH_WORDS = {
    TouchConsent.YES: "Yes, hands-on support is welcome",
    TouchConsent.NO: "No hands-on support, thank you",
    TouchConsent.ASK: "Ask me each time",
}
