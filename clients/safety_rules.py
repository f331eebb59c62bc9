"""What the safety checker knows, as data a teacher can read and extend.

Every precaution is a set of **limits on joints**: a number of degrees a measured angle may
reach (hip flexion 90°), or a shape that should not happen at all (kneeling on the knee). The
checker (routines/builder/safety.py) reads each angle from the pose's own figure
(routines/builder/body.py) and
compares it with these numbers, side by side.

Every line here is a default. A precaution stores its own list of movements to avoid, which
starts from the rule's and which the teacher changes for one client when a surgeon or
physiotherapist says otherwise; a limit applies only while its movement is ticked. The
teacher may also write the client's own hip flexion limit (a surgeon's 45°), which replaces
the 90° below for that client.
"""

from dataclasses import dataclass

from clients.vocabulary import Condition, TouchConsent, TriggerCategory
from practice.vocabulary import Movement

M = Movement


@dataclass(frozen=True)
class Limit:
    """How far one measured quantity of the body may go.

    `measure` names a quantity routines/builder/safety.py reads from the body model: angles in
    degrees
    ("hip_flexion"), or shapes that are there or not (1) ("kneeling_load"), for which `most` is 0.
    Beyond `most` is a conflict; within `margin` of it (and above nothing) a heads-up.
    `ask` marks limits sources disagree on: never more than a heads-up, "check with...".
    """

    movement: str
    measure: str
    most: float = 0
    margin: float = 0
    ask: bool = False


@dataclass(frozen=True)
class Rule:
    """The usual limits of one condition and where they come from."""

    limits: tuple[Limit, ...]
    # Named so the teacher can look it up: author or organisation, title, year.
    source: str
    # Shown only beside the advisories of the movements it explains.
    notes: dict[str, str]

    @property
    def avoid(self) -> tuple[str, ...]:
        """The movements a new precaution of this kind starts with ticked."""
        return tuple(dict.fromkeys(limit.movement for limit in self.limits if not limit.ask))

    @property
    def check(self) -> tuple[str, ...]:
        avoided = set(self.avoid)
        return tuple(
            dict.fromkeys(
                limit.movement
                for limit in self.limits
                if limit.ask and limit.movement not in avoided
            )
        )


# The knee crosses the body's midline at about 10° of adduction (routines/builder/body.py works it
# out).
MIDLINE = 10
# Whole degrees a drawn "neutral" may be off by before it counts as a movement.
NEUTRAL = 5
# Most surgeons' default hip flexion limit after a posterior approach.
HIP_FLEXION_DEFAULT = 90

POSTERIOR_HIP = (
    Limit(M.HIP_FLEXION_PAST_90, "hip_flexion", HIP_FLEXION_DEFAULT, margin=10),
    Limit(M.HIP_ADDUCTION_PAST_MIDLINE, "hip_adduction", MIDLINE, margin=5),
    Limit(M.HIP_INTERNAL_ROTATION, "hip_internal_rotation", NEUTRAL, margin=NEUTRAL),
)

HIP_SOURCE_POSTERIOR = (
    "Eannucci EF et al., “A protocol of pose avoidance in place of hip precautions after "
    "posterior-approach total hip arthroplasty may not increase risk of post-operative "
    "dislocation”, HSS Journal, 2019 (doi 10.1007/s11420-019-09708-9)"
)
HIP_SOURCE_ANTERIOR = (
    "Duke Physical & Occupational Therapy, “Anterior hip precautions” patient handout "
    "(accessed 2026): no stepping back, no extension, no turning the leg out; rules vary by "
    "surgeon"
)
HIP_SOURCE_LATERAL = (
    "Varacallo MA (editor), “Hip precautions”, StatPearls, updated 2023; hospital handouts add "
    "no active abduction after a lateral approach"
)
COLE = (
    "Roger Cole, “Yoga shouldn't hurt” (knees, hamstrings and sacrum), Yoga Journal, reprinted "
    "2012: lotus-type loading irritates the medial meniscus"
)
COLE_SI = (
    "Roger Cole, “How to protect the sacroiliac joints”, Yoga Journal, reprinted in “Yoga "
    "shouldn't hurt”, 2012: sitting, forward bending and twisting make it worse"
)
DISC = (
    "eOrthopod, “Lumbar disc herniation” patient guide (accessed 2026), and physiotherapy "
    "guidance for disc herniation: seated forward bends are the riskiest; hinge from the hips"
)
OSTEOPOROSIS = (
    "Smith EN, Boser A, “Yoga, vertebral fractures, and osteoporosis: research and "
    "recommendations”, Int J Yoga Therap, 2013 (PubMed 24016820); Fishman LM et al., “Twelve-"
    "minute daily yoga regimen reverses osteoporotic bone loss”, Topics in Geriatric "
    "Rehabilitation, 2016"
)
PREGNANCY = (
    "Polis RL, Gussman D, Kuo YH, “Yoga in pregnancy: an examination of maternal and fetal "
    "responses to 26 yoga postures”, Obstetrics & Gynecology, 2015 (doi "
    "10.1097/AOG.0000000000001137)"
)
HYPERMOBILITY = (
    "Jason Parry, “Exercise and movement for adults with hypermobile Ehlers-Danlos syndrome and "
    "hypermobility spectrum disorders”, The Ehlers-Danlos Society (accessed 2026): aim for "
    "stability, micro-bends, no end-range stretching"
)

RULES: dict[str, Rule] = {
    Condition.HIP_REPLACEMENT_POSTERIOR: Rule(
        limits=POSTERIOR_HIP,
        source=HIP_SOURCE_POSTERIOR,
        notes={
            M.HIP_FLEXION_PAST_90: "Usually 6 to 12 weeks, sometimes for life; some surgeons set "
            "45°, 60° or 70° instead of 90°.",
        },
    ),
    Condition.HIP_REPLACEMENT_ANTERIOR: Rule(
        limits=(
            # Extension past neutral is the risk when the hip also turns out.
            Limit(M.HIP_EXTENSION, "hip_extension_turned_out", NEUTRAL),
            Limit(M.STEPPING_BACK, "stepping_back"),
            # Extension alone, or lying on the front: some protocols only.
            Limit(M.HIP_EXTENSION, "hip_extension", NEUTRAL, ask=True),
            Limit(M.PRONE, "prone", ask=True),
        ),
        source=HIP_SOURCE_ANTERIOR,
        notes={
            M.HIP_EXTENSION: "Extension past neutral together with turning the leg out is the "
            "classic risk.",
            M.PRONE: "Some protocols ask for no lying on the front in the first weeks.",
        },
    ),
    Condition.HIP_REPLACEMENT_LATERAL: Rule(
        limits=(
            *POSTERIOR_HIP,
            # Lifting the leg out to the side against gravity; a knee resting open is passive.
            Limit(M.HIP_ABDUCTION, "hip_active_abduction", NEUTRAL, margin=NEUTRAL),
        ),
        source=HIP_SOURCE_LATERAL,
        notes={M.HIP_ABDUCTION: "The rule is about active abduction, not a supported knee."},
    ),
    Condition.KNEE_INJURY: Rule(
        limits=(
            Limit(M.DEEP_KNEE_FLEXION, "knee_flexion", 110, margin=10),
            Limit(M.KNEELING_LOAD, "kneeling_load"),
            Limit(M.KNEE_ROTATION, "knee_twist"),
        ),
        source=COLE,
        notes={M.KNEE_ROTATION: "Rotation should come from the hip, not the knee."},
    ),
    Condition.SI_JOINT: Rule(
        limits=(
            Limit(M.HIP_ABDUCTION, "wide_legs", 60, margin=20),
            Limit(M.TWIST, "twist", 30, margin=15),
            Limit(M.SPINAL_FLEXION, "loaded_spine_flexion", 20, margin=10),
            Limit(M.ASYMMETRIC_PELVIS, "asymmetric_load"),
        ),
        source=COLE_SI,
        notes={
            M.SPINAL_FLEXION: "Knees-to-chest and supported rest are common relief shapes; "
            "loaded, one-sided forward bends are the classic aggravators.",
        },
    ),
    Condition.LUMBAR_DISC: Rule(
        limits=(
            Limit(M.SPINAL_FLEXION, "spine_flexion", 20, margin=10),
            Limit(M.TWIST, "twist", 45, margin=15),
        ),
        source=DISC,
        notes={
            M.SPINAL_FLEXION: "Hinge from the hips with a long spine.",
            M.TWIST: "A gentle, open twist usually suits better than a deep one.",
        },
    ),
    Condition.LOW_BACK_PAIN: Rule(
        # No named rule exists for back pain without a diagnosis; the gentler part of the disc
        # guidance is used.
        limits=(Limit(M.SPINAL_FLEXION, "loaded_spine_flexion", 30, margin=10),),
        source=DISC + "; applied gently, check with the client's clinician",
        notes={},
    ),
    Condition.OSTEOPOROSIS: Rule(
        limits=(
            Limit(M.SPINAL_FLEXION, "loaded_spine_flexion", 20, margin=10),
            # Extreme flexion, loaded or not, was implicated in the case series.
            Limit(M.SPINAL_FLEXION, "spine_flexion", 30, margin=10),
            Limit(M.SPINAL_EXTENSION, "spine_extension", 20, margin=10),
        ),
        source=OSTEOPOROSIS,
        notes={
            M.SPINAL_FLEXION: "Loaded rounding raises vertebral fracture risk; gentle twists "
            "were tolerated in one large study.",
        },
    ),
    Condition.PREGNANCY: Rule(
        limits=(
            Limit(M.PRONE, "prone"),
            Limit(M.TWIST, "twist", 45, margin=15),
            Limit(M.INVERSION, "inversion"),
            # Deep backbends; a cow-shape or a supported chest opener stays under it.
            Limit(M.SPINAL_EXTENSION, "spine_extension", 30, margin=10),
            Limit(M.BREATH_RETENTION, "breath_retention"),
            Limit(M.END_RANGE_STRETCH, "end_range_stretch"),
            # Sources disagree about lying on the back late in pregnancy.
            Limit(M.SUPINE, "supine", ask=True),
        ),
        source=PREGNANCY,
        notes={
            M.SUPINE: "26 poses including lying on the back showed no adverse response in the "
            "third trimester, but other sources advise against it late in pregnancy.",
            M.TWIST: "Closed twists across the belly are the ones to avoid; open, upper-back "
            "twists are usually fine.",
        },
    ),
    Condition.HYPERMOBILITY: Rule(
        limits=(Limit(M.END_RANGE_STRETCH, "end_range_stretch"),),
        source=HYPERMOBILITY,
        notes={},
    ),
    Condition.OTHER: Rule(limits=(), source="Set for this client by whoever set it", notes={}),
}

# The intake form starts a new precaution from these; the teacher adjusts them.
USUAL_RESTRICTIONS: dict[str, list[str]] = {
    condition: [str(movement) for movement in rule.avoid] for condition, rule in RULES.items()
}

# Words for a measure in a reason: "draws the left hip to about 115°".
MEASURE_WORDS: dict[str, str] = {
    "hip_flexion": "bends the {hip} hip to about {value}°",
    "hip_adduction": "brings the {hip} thigh in about {value}°, toward or across the midline",
    "hip_internal_rotation": "turns the {hip} hip in about {value}°",
    "hip_extension": "takes the {hip} leg about {value}° behind the body",
    "hip_extension_turned_out": "takes the {hip} leg about {value}° behind the body, turned out",
    "hip_active_abduction": "lifts the {hip} leg out to the side, about {value}°, against gravity",
    "stepping_back": "steps the {hip} leg back and puts weight on it",
    "knee_flexion": "bends the {knee} knee to about {value}°",
    "kneeling_load": "puts weight on the {knee} knee",
    "knee_twist": "loads the {knee} knee while the leg turns out (a lotus-type load)",
    "wide_legs": "takes the legs wide apart, about {value}° in all",
    "twist": "twists the spine about {value}°",
    "spine_flexion": "rounds the spine about {value}°",
    "loaded_spine_flexion": "rounds the spine about {value}° with the trunk's weight on it",
    "spine_extension": "bends the spine back about {value}°",
    "asymmetric_load": "puts weight through an uneven pelvis",
    "prone": "is done lying on the front",
    "supine": "is done lying on the back",
    "inversion": "takes the hips above the heart and the head below it",
    "breath_retention": "holds the breath",
    "end_range_stretch": "stretches to the end of the range",
}
# What each limit is called beside its number: "Rosa's limit is 90° of hip flexion".
LIMIT_WORDS: dict[str, str] = {
    "hip_flexion": "{most}° of flexion, {hip} hip",
    "hip_adduction": "the midline, {hip} hip",
    "hip_internal_rotation": "neutral rotation, {hip} hip",
    "hip_extension": "neutral, {hip} hip",
    "hip_extension_turned_out": "neutral when turned out, {hip} hip",
    "hip_active_abduction": "no active abduction, {hip} hip",
    "knee_flexion": "{most}° of knee flexion",
    "wide_legs": "{most}° of abduction in all",
    "twist": "{most}° of twist",
    "spine_flexion": "{most}° of rounding",
    "loaded_spine_flexion": "{most}° of loaded rounding",
    "spine_extension": "{most}° of backbend",
}


# Which shapes touch on a trigger a client shared, read from the body, not from words.
# Heads-ups only: the teacher knows the person.
TRIGGER_SHAPES: dict[str, tuple[str, ...]] = {
    TriggerCategory.LYING_ON_BACK: ("supine",),
    # Legs open while lying, sitting on the floor or kneeling: exposed.
    TriggerCategory.LEGS_APART: ("legs_apart",),
    TriggerCategory.EYES_CLOSED: ("eyes_closed",),
    # Lying on the front, or kneeling folded forward with the back to the room.
    TriggerCategory.SOMEONE_BEHIND: ("prone", "facing_away"),
}
TRIGGER_WORDS: dict[str, str] = {
    "supine": "is done lying on the back",
    "legs_apart": "opens the legs wide while lying, sitting or kneeling",
    "eyes_closed": "invites closing the eyes or resting the forehead down",
    "prone": "is done lying on the front, with the back to the room",
    "facing_away": "folds forward on the knees, with the back to the room",
}

# Preferences from intake (a field of the client's record) and the shapes that go against them.
PREFERENCE_SHAPES: dict[str, tuple[str, ...]] = {"prefers_eyes_open": ("eyes_closed",)}
PREFERENCE_LABELS = {"prefers_eyes_open": "prefers to keep the eyes open"}

# Touch consent answers that make a shape with hands-on help worth a heads-up, in plain words.
TOUCH_CONSENT_HEADS_UP: dict[str, str] = {
    TouchConsent.NO: "has said no to touch",
    TouchConsent.ASK: "asks to be asked before any touch",
}
