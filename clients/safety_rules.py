"""What the safety checker knows, as data a teacher can read and extend.

Every line here is a default. A precaution stores its own list of movements to avoid, which
starts from RULES[condition].avoid and which the teacher changes for one client when a surgeon
or physiotherapist says otherwise; the checker then follows the client's list, not this file.
To teach the checker something new, add a line here (and a word in practice/vocabulary.py if
the movement has no name yet): no view or template needs to change.
"""

from dataclasses import dataclass

from clients.vocabulary import Condition, TouchConsent, TriggerCategory
from practice.vocabulary import Movement

M = Movement


@dataclass(frozen=True)
class Rule:
    """The usual restrictions of one condition and where they come from."""

    # A step that still makes one of these movements (after its modification) is a conflict.
    avoid: tuple[str, ...]
    # Sources disagree or rules vary by surgeon: a heads-up to check with the care provider.
    check: tuple[str, ...]
    # Named so the teacher can look it up; shown beside every advisory the rule raises.
    source: str
    note: str = ""


POSTERIOR_HIP = (M.HIP_FLEXION_PAST_90, M.HIP_ADDUCTION_PAST_MIDLINE, M.HIP_INTERNAL_ROTATION)

RULES: dict[str, Rule] = {
    Condition.HIP_REPLACEMENT_POSTERIOR: Rule(
        avoid=POSTERIOR_HIP,
        check=(),
        source="Eannucci et al., HSS Journal 2019 (doi 10.1007/s11420-019-09708-9); common "
        "patient handouts give about 3 months",
        note="Usually 6 to 12 weeks, sometimes for life; some surgeons set 45° instead of 90°.",
    ),
    Condition.HIP_REPLACEMENT_ANTERIOR: Rule(
        avoid=(M.HIP_EXTENSION, M.STEPPING_BACK, M.PRONE),
        # Only a concern together with extension, and protocols differ: ask, don't forbid.
        check=(M.HIP_EXTERNAL_ROTATION,),
        source="Hospital patient handouts (for example Duke anterior hip precautions); rules "
        "vary by surgeon",
        note="Extension combined with external rotation is the classic risk.",
    ),
    Condition.HIP_REPLACEMENT_LATERAL: Rule(
        avoid=(*POSTERIOR_HIP, M.HIP_ABDUCTION),
        check=(),
        source="Hospital patient handouts: the posterior rules plus no active abduction",
    ),
    Condition.KNEE_INJURY: Rule(
        avoid=(M.DEEP_KNEE_FLEXION, M.KNEELING_LOAD, M.KNEE_ROTATION),
        check=(),
        source="Yoga-anatomy teaching (Roger Cole; teacher-training notes): lotus-type loading "
        "irritates the medial meniscus",
        note="Rotation should come from the hip, not the knee.",
    ),
    Condition.SI_JOINT: Rule(
        avoid=(M.HIP_ABDUCTION, M.TWIST, M.SPINAL_FLEXION, M.ASYMMETRIC_PELVIS),
        check=(),
        source="Roger Cole, cited in yoga-therapy forums: abduction, twisting and forward "
        "bending aggravate it",
    ),
    Condition.LUMBAR_DISC: Rule(
        avoid=(M.SPINAL_FLEXION, M.TWIST),
        check=(),
        source="Physiotherapy guidance for disc herniation: seated forward bends are riskiest",
        note="Hinge from the hips; modify deep twists.",
    ),
    Condition.LOW_BACK_PAIN: Rule(
        avoid=(M.SPINAL_FLEXION,),
        check=(),
        # No named rule exists for back pain without a diagnosis; the disc guidance is the
        # closest and the gentler part of it is used.
        source="Physiotherapy guidance for disc herniation, applied gently; check with the "
        "client's clinician",
    ),
    Condition.OSTEOPOROSIS: Rule(
        avoid=(M.SPINAL_FLEXION, M.SPINAL_EXTENSION),
        check=(),
        source="Int J Yoga Therap 2013 (PubMed 24016820); Mayo Clinic case series; Fishman, "
        "Topics in Geriatric Rehabilitation 2015",
        note="Loaded flexion raises fracture risk; gentle twists were tolerated in one large "
        "study.",
    ),
    Condition.PREGNANCY: Rule(
        avoid=(
            M.PRONE,
            M.TWIST,
            M.INVERSION,
            M.SPINAL_EXTENSION,
            M.BREATH_RETENTION,
            M.END_RANGE_STRETCH,
        ),
        # Sources disagree about lying on the back late in pregnancy.
        check=(M.SUPINE,),
        source="Polis et al., Obstetrics & Gynecology 2015; prenatal yoga guides",
        note="26 poses including lying on the back showed no adverse response in the third "
        "trimester, but sources disagree.",
    ),
    Condition.HYPERMOBILITY: Rule(
        avoid=(M.END_RANGE_STRETCH,),
        check=(),
        source="Hypermobility physiotherapy guidance: aim for stability, micro-bends",
    ),
    Condition.OTHER: Rule(
        avoid=(),
        check=(),
        source="Set for this client by whoever set the precaution",
    ),
}

# The intake form starts a new precaution from these; the teacher adjusts them.
USUAL_RESTRICTIONS: dict[str, list[str]] = {
    condition: [str(movement) for movement in rule.avoid] for condition, rule in RULES.items()
}


# Which shapes touch on a trigger a client shared. Heads-ups only: the teacher knows the person.
TRIGGER_MATCHES: dict[str, tuple[str, ...]] = {
    # Lying on the back can feel exposed.
    TriggerCategory.LYING_ON_BACK: (M.SUPINE,),
    # Legs-apart positions, lying down or not.
    TriggerCategory.LEGS_APART: (M.HIP_ABDUCTION,),
    # Shapes with the eyes closed or the forehead down, which hide the room.
    TriggerCategory.EYES_CLOSED: (M.EYES_CLOSED_OR_FOREHEAD_DOWN,),
    # Lying face down, forehead-down shapes, and kneeling shapes that leave the back to the room.
    TriggerCategory.SOMEONE_BEHIND: (M.PRONE, M.EYES_CLOSED_OR_FOREHEAD_DOWN, M.KNEELING_LOAD),
}

# Preferences from intake (a field of the client's record) and the shapes that go against them.
PREFERENCE_MATCHES: dict[str, tuple[str, ...]] = {
    # Prefers to keep the eyes open: forehead-down shapes make that hard.
    "prefers_eyes_open": (M.EYES_CLOSED_OR_FOREHEAD_DOWN,),
}
PREFERENCE_LABELS = {"prefers_eyes_open": "prefers to keep the eyes open"}

# Words in a pose's teacher notes that suggest hands-on help (lower case).
HANDS_ON_WORDS: tuple[str, ...] = ("hands-on", "assist", "a hand on", "hands on the", "touch")
# Touch consent answers that make those notes worth a heads-up, in plain words.
TOUCH_CONSENT_HEADS_UP: dict[str, str] = {
    TouchConsent.NO: "has said no to touch",
    TouchConsent.ASK: "asks to be asked before any touch",
}

# How a reason sentence says that a pose makes a movement: "Happy baby bends the hip past 90°".
DOES: dict[str, str] = {
    M.HIP_FLEXION_PAST_90: "bends the hip past 90°",
    M.HIP_ADDUCTION_PAST_MIDLINE: "brings a leg across the midline",
    M.HIP_INTERNAL_ROTATION: "turns the hip inward",
    M.HIP_EXTERNAL_ROTATION: "turns the hip outward",
    M.HIP_ABDUCTION: "takes the legs apart",
    M.HIP_EXTENSION: "takes the leg behind the body",
    M.DEEP_KNEE_FLEXION: "bends the knee deeply",
    M.KNEELING_LOAD: "puts weight on the knees",
    M.SPINAL_FLEXION: "rounds the spine",
    M.TWIST: "twists the spine",
    M.ASYMMETRIC_PELVIS: "sets the pelvis unevenly",
    M.SUPINE: "is done lying on the back",
    M.PRONE: "is done lying on the front",
    M.INVERSION: "lifts the hips above the heart",
    M.BREATH_RETENTION: "holds the breath",
    M.EYES_CLOSED_OR_FOREHEAD_DOWN: "closes the eyes or rests the forehead down",
    M.WEIGHT_BEARING: "bears weight on the legs",
    M.KNEE_ROTATION: "twists at the knee",
    M.STEPPING_BACK: "steps one leg back",
    M.SPINAL_EXTENSION: "bends the spine back deeply",
    M.END_RANGE_STRETCH: "stretches to the end of the range",
}
