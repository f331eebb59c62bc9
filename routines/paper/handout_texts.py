"""Default words for printed handouts. Owners replace them in their handout settings."""

# One sentence a line: each line becomes a bullet on the handout.
DEFAULT_SAFETY_TEXT = "\n".join(
    [
        "Go gently, and start with less than you think you can do.",
        "A mild stretch is fine; sharp, shooting or pinching pain is a signal to come out slowly.",
        "Keep breathing. There is no need to hold your breath at any point.",
        "If you have a hip or back injury, recent surgery, are pregnant or have another "
        "condition, check with your doctor or physiotherapist first.",
        "Choose a quiet, private, comfortable space, and keep some water nearby.",
    ]
)

DEFAULT_CHOICE_TEXT = "\n".join(
    [
        "Every pose here is optional. You can skip, change or leave any of them.",
        "Resting is always a good choice, for a breath or for the rest of the practice.",
        "You can stop at any time, for any reason, and you don't need to explain.",
        "Your eyes can stay open, and you can change your position whenever you like.",
    ]
)

HOME_PRACTICE = "\n".join(
    [
        "A few minutes on most days tends to feel kinder than a long practice once in a while.",
        "You might choose a regular time, such as after waking or before bed.",
        "Notice small changes: a little more ease in your hips, a calmer breath.",
        "Progress is rarely a straight line, and that is fine.",
    ]
)

OTHER_SUPPORTS = [
    "Talking with a therapist or counsellor",
    "Breathwork, mindfulness or meditation",
    "Trauma-informed yoga classes",
    "Massage or myofascial release with a trained practitioner",
    "Sound, such as singing bowls or music you enjoy",
    "Journaling, time in nature, or a support group",
]

NOT_MEDICAL_ADVICE = "This is not medical advice. Please check with your doctor about your health."

TOUCH_LINES = {
    "no": "No hands-on help: your teacher will not touch you.",
    "ask": "Your teacher will always ask before any touch, and “no” is always fine.",
    "yes": "Hands-on help is welcome, and you can change your mind at any time.",
}

# The two sides of the consent card a client may place by their mat and turn over at any
# moment. The first line is the card's large headline; any further lines are smaller.
DEFAULT_CARD_WELCOME_TEXT = "\n".join(
    [
        "Hands-on support welcome",
        "You can turn this card over at any time, and nothing needs explaining.",
    ]
)
DEFAULT_CARD_NO_TOUCH_TEXT = "\n".join(
    [
        "No hands-on support, thank you",
        "Your teacher will offer words instead, and you can turn this card over at any time.",
    ]
)
