"""Words that read as instructions, judgments or promises in text a client reads, each with a
kinder way to put it (shared/DOMAIN.md: invite, never command; no ranking; no promise of
healing). One source for the gentle notes beside teachers' fields and for the test that keeps
the shipped pose library's words invitational (tests/test_library_content.py).

The notes only ever suggest: apart from the owner's two handout texts, which keep their own
rule (routines/paper/forms.py), nothing a teacher writes is refused because of them.

This module imports nothing of ours, so clients and routines can both use it.
"""

import re
from dataclasses import dataclass

# Phrases whose meaning is invitational although they hold a flagged word ("no need to hold
# your breath", "the urge to push"): taken out of the text before it is checked.
_WORDS = r"(?:[\w']+\s+){0,4}[\w']+"  # up to five words of what follows
SOFTENED: list[str] = [
    rf"\b(?:there(?:'s| is) )?no need to {_WORDS}",  # "no need to hold your breath" frees
    rf"\b(?:of|any|the) need to {_WORDS}",  # "let go of the need to push" frees from it
    rf"\b(?:you )?(?:don't|do not|never) (?:need|have) to {_WORDS}",  # a freedom, not an order
    rf"\bnothing (?:you )?(?:need|have) to {_WORDS}",  # "nothing you have to do" frees
    rf"\bwithout (?:any )?\w+ing\b(?: {_WORDS})?",  # "without forcing anything" describes ease
    rf"\b(?:urge|wish|habit|impulse|temptation|pull|instinct) to {_WORDS}",  # noticing an urge
    rf"\b(?:rather than|instead of) \w+ing\b(?: {_WORDS})?",  # names what they may leave out
    r"\bif you (?:don't|do not)\b",  # a condition, not a prohibition
    r"\bno (?:further|farther|deeper) than\b",  # a limit that protects
    r"\bno (?:right or wrong|wrong or right)\b(?: way)?",  # "there is no right or wrong way"
    r"\bnothing to (?:get right|fix|achieve|push)\b",  # takes a goal away
    r"\b(?:you )?(?:don't|do not) (?:need|have) to\b",  # the bare freedom, at a line's end
]

# (pattern, suggestion). A pattern may capture `what` (the body part it names); the
# suggestion then uses it. Longer phrases come first: where two overlap, the first one named is
# the one the note shows.
DIRECTIVE: list[tuple[str, str]] = [
    # Telling someone to relax tends to tense a body that does not feel safe.
    (
        r"\brelax(?:ing)? (?P<what>your (?:\w+ )?\w+)",
        "perhaps “you might let {what} soften, if you like”",
    ),
    # The bare "Relax!" (and "relaxing"), the phrase guides warn about first.
    (r"\brelax\w*!?", "perhaps “you might let yourself settle, if that feels right”"),
    # "Push further", "go deeper": chasing range is how people get hurt alone at home.
    (
        r"\b(?:push|press|sink|go|get|stretch|reach|fold|lean|move|breathe|work) "
        r"(?:a (?:little|bit) )?(?:further|farther|deeper|harder|lower)\b",
        "perhaps “you might stay where it feels kind, or ease back a little”",
    ),
    # "Push through it" overrides the body's signals.
    (
        r"\bpush(?:ing|es)? (?:through|past|yourself|it)\b",
        "perhaps “you might ease off whenever you like”",
    ),
    # Any other push: effort where the practice offers ease.
    (r"\bpush\w*", "perhaps “if you like, press gently” or “stay where you are”"),
    # Depth as a goal ranks one way of doing the pose above another.
    (r"\bdeeper\b", "perhaps “only as far as feels comfortable”"),
    # "Further into the stretch"; "further from the wall" is a place, not flagged.
    (r"\b(?:further|farther) (?:into|down|in)\b", "perhaps “only as far as feels comfortable”"),
    # "As far as you can" asks for the limit rather than for comfort.
    (
        r"\bas (?:far|deep|low|high|wide|long) as (?:you (?:possibly )?can|possible)\b",
        "perhaps “only as far as feels comfortable”",
    ),
    # "All the way" sets an end point the body may not want.
    (r"\ball the way\b", "perhaps “only as far as feels comfortable”"),
    # Force is the opposite of choice.
    (r"\bforc(?:e|es|ed|ing)\b", "perhaps “only as far as feels comfortable”"),
    # "Come out of your comfort zone": here, comfort is the point.
    (
        r"\b(?:come|get|step|move|go) (?:out of|beyond|past) your comfort zone\b",
        "comfort is welcome here: you might stay where you feel at ease",
    ),
    # Any other talk of leaving comfort behind.
    (r"\bcomfort zone\b", "comfort is welcome here: you might stay where you feel at ease"),
    # Pain is a signal to stop, never a price to pay.
    (r"\bno pain,? no gain\b", "perhaps “ease is welcome; sharp pain is a signal to come out”"),
    # "Breathe through the pain", "ignore the shaking": override the body's signals.
    (
        r"\b(?:ignore|fight|breathe through|work through) (?:the |any |that )?"
        r"(?:pain|discomfort|shaking|burn|it)\b",
        "perhaps “notice it, and ease off or stop whenever you like”",
    ),
    # Names a sensation to chase.
    (r"\bfeel the burn\b", "perhaps “you might notice warmth, or nothing in particular”"),
    # "You should feel…": whatever the client feels, or does not feel, is fine.
    (
        r"\byou(?: should| must| will|'ll| are going to| ought to) (?:feel|notice|sense)\b",
        "perhaps “you might notice…, or something else, or nothing at all”",
    ),
    # Prescribes a sensation as an order.
    (r"\b(?:feel|find) the stretch\b", "perhaps “you might notice a stretch, or not”"),
    # "You must", "you need to": obligations, where the practice offers choices.
    (
        r"\byou(?: must| need to| have to|'ve got to| got to| ought to)\b",
        "perhaps “you might…” or “if you like…”",
    ),
    # "Your knee should…": a rule about the body, heard as a judgment.
    (r"\bshould(?:n't)?\b", "perhaps “you might…” or “if you like…”"),
    # Any other must.
    (r"\bmust(?:n't)?\b", "perhaps “you might…” or “if you like…”"),
    # "The breath needs to be slow": a requirement; "no need to" was taken out above.
    (r"\bneeds? to\b", "perhaps “you might…” or “if you like…”"),
    # Obligation without a "you"; "you don't have to" was taken out above.
    (r"\b(?:have to|ought to)\b", "perhaps “you might…” or “if you like…”"),
    # "Make sure" puts the client on watch for mistakes.
    (r"\bmake sure\b", "perhaps “you might check that…”"),
    # "Try to touch your toes" sets a goal; "you might try" does not.
    (r"(?:^|[.!?;:]\s*)try to\b", "perhaps “you might…”"),
    # Effort as a virtue.
    (r"\btry harder\b", "perhaps “you might do less, if you like”"),
    # "Hold it": holding on command; "you could hold your shins" is a way to rest.
    (
        r"\bhold (?:it|this|that|on|still|tight|there|for"
        r"|the (?:pose|stretch|position|shape)|your breath)\b",
        "perhaps “if you like, stay here for a few breaths”",
    ),
    # "Stay still" as an order; "rock, or stay still" is a choice, not flagged.
    (
        r"(?<!or )(?<!could )(?<!might )\b(?:stay|keep|be|sit|lie) still\b",
        "perhaps “you're welcome to move whenever you like”",
    ),
    # "Don't move", "don't come out": taking away the way out.
    (
        r"\b(?:don't|do not) (?:move|fidget|stop|come out|give up|let go)\b",
        "perhaps “you're welcome to move or come out whenever you like”",
    ),
    # Correcting how someone moves.
    (r"\bstop (?:fidgeting|wriggling)\b", "perhaps “you're welcome to move whenever you like”"),
    # A sentence that starts with "Don't" or "Never" is a prohibition; say what they may do.
    (
        r"(?:^|[.!?;:,\u2014\u2013]\s*)(?:and |but |just )?"
        r"(?:don't|do not|dont|never) (?!worry if)\w+",
        "perhaps say what they might do instead, such as “you might keep a soft bend”",
    ),
    # Squeeze, clench, brace: gripping, where the practice invites softening.
    (
        r"\b(?:squeeze|clench|tighten|brace|suck in)\w*\b",
        "perhaps “you might gently draw in, if that feels right”",
    ),
    # "Lock your elbows": a drill cue, and hard on the joints.
    (
        r"\block(?:ed)? (?:your|the|them|it)\b|\bkeep (?:\w+ ){0,2}locked\b",
        "perhaps “you might keep a soft bend”",
    ),
    # "Engage your core": gym language that asks for effort.
    (r"\bengage your\b", "perhaps “you might notice your belly as you breathe”"),
    # "Keep your legs straight": a fixed shape instead of a comfortable one.
    (
        r"\bkeep (?:your \w+ )?(?:straight|tight|engaged|up|still)\b",
        "perhaps “you might…, if it feels comfortable”",
    ),
    # Coaching phrases that push past the wish to stop.
    (
        r"\b(?:come on|keep going|no excuses|don't give up|one more"
        r"|you can do (?:it|better)|stay with it)\b",
        "perhaps “you can stop or rest at any time”",
    ),
    # "Now!": urgency, like a raised voice on paper.
    (r"\b(?:now|immediately|right now)!", "perhaps “when you're ready”"),
    # Counting on command can bring back drills (a trigger some clients name).
    (
        r"\bon (?:my|the) count\b",
        "counting aloud can feel like a drill: perhaps “at your own pace”",
    ),
    # "Close your eyes" as an order; eyes open is always offered.
    (
        r"(?<!might )(?<!could )(?<!can )(?<!or )\bclose your eyes\b",
        "perhaps “your eyes can stay open, or close if you like”",
    ),
    # Correct, perfect, wrong: a verdict on the body; there is no right way.
    (
        r"\b(?:correct(?:ly)?|perfect(?:ly)?|wrong|properly|the right way)\b",
        "there is no right or wrong way: perhaps “whatever feels right for you”",
    ),
    # Praise tells the client they are being watched and graded.
    (
        r"\b(?:good job|well done|good girl|good boy)\b",
        "praise can feel like being watched: perhaps “thank you” or nothing at all",
    ),
    # Ranking versions as easier or harder; every version is equal.
    (
        r"\b(?:advanced|beginners?|(?:harder|easier) (?:version|variation|option|pose)s?"
        r"|too easy|full expression|level up)\b",
        "every version is equal: perhaps name the version by its shape or props",
    ),
    # Promises of healing: the handouts are not medical advice.
    (
        r"\b(?:heals?|healing|cures?|detox\w*|releases? (?:your |stored )?trauma"
        r"|fix(?:es)? your)\b",
        "perhaps “some people find this soothing”",
    ),
    # An exclamation mark turns a line into a command ("Breathe!").
    (r"\b\w+!", "a full stop reads calmer than an exclamation mark"),
]

_SOFTENED = re.compile("|".join(f"(?:{pattern})" for pattern in SOFTENED), re.IGNORECASE)
_DIRECTIVE = [(re.compile(pattern, re.IGNORECASE), suggestion) for pattern, suggestion in DIRECTIVE]
# Long texts are checked as far as this: enough for any field, and the cost stays bounded.
CHECKED_LENGTH = 10_000


@dataclass(frozen=True)
class GentleNote:
    words: str  # the words as the teacher wrote them
    suggestion: str


def _blank(match: re.Match[str]) -> str:
    # Spaces of the same length: positions stay where they were in the teacher's text.
    return " " * len(match.group())


def gentle_notes(text: str) -> list[GentleNote]:
    """Each directive phrase found in `text`, in the order it appears, with a kinder wording."""
    text = text[:CHECKED_LENGTH]
    # Curly apostrophes count as straight ones; the replacement keeps every position.
    checked = _SOFTENED.sub(_blank, text.replace("\u2019", "'"))
    found: list[tuple[int, GentleNote]] = []
    # One mark per character already named by a note: a later, shorter phrase inside it is not
    # named again, and the check stays linear in the text's length.
    taken = bytearray(len(checked))
    for pattern, suggestion in _DIRECTIVE:
        for match in pattern.finditer(checked):
            start, end = match.span()
            # Leading punctuation that only anchors a sentence start is not part of the words.
            while start < end and not checked[start].isalnum():
                start += 1
            if taken.find(1, start, end) != -1:
                continue
            taken[start:end] = b"\x01" * (end - start)
            what = match.groupdict().get("what")
            words = text[start:end].strip()
            found.append((start, GentleNote(words=words, suggestion=suggestion.format(what=what))))
    return [note for _, note in sorted(found, key=lambda item: item[0])]
