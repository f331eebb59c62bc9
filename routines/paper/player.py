"""What the guided player shows.

The player is one page for two people: the client through their practice link, who sees what
the printed handout shows and nothing more, and the signed-in teacher in a session, who also
sees their own notes. Both are built here from the same steps, so the two can only differ in
the teacher's notes.
"""

from dataclasses import dataclass, field

from routines.builder.other_ways import OtherWay, routine_other_ways
from routines.library.vocabulary import Sides
from routines.models import SECONDS_PER_BREATH, Modification, Pose, Routine, RoutineStep
from routines.paper.handouts import _sides_text, step_words


@dataclass
class PlayerWay:
    """Another way to do a step: chosen mid-practice, it takes the step's place on screen while
    the timer goes on."""

    pose: Pose
    modification: Modification | None
    name: str
    version_of: str
    instructions: list[str]


def _player_way(way: OtherWay) -> PlayerWay:
    words = step_words(way)
    return PlayerWay(way.pose, way.modification, words.name, words.version_of, words.lines)


@dataclass
class PlayerStep:
    number: int
    pose: Pose
    modification: Modification | None
    name: str
    instructions: list[str]
    # The pose a chosen version belongs to: "a version of Knees to chest".
    version_of: str
    breath_cue: str
    cue: str
    hold: str
    sides: str
    # The timer: a hold in breaths counts breaths (SECONDS_PER_BREATH each), else seconds;
    # 0 means no set time ("as long as you like").
    breaths: int
    seconds: int
    two_sides: bool
    figure_url: str = ""
    # Only for the signed-in teacher; the client's player never fills these.
    teacher_notes: list[str] = field(default_factory=list)
    other_ways: list[PlayerWay] = field(default_factory=list)


def _hold_of(step: RoutineStep) -> tuple[int, int, str]:
    """(breaths, seconds, words): the step's own hold, else the pose's usual one."""
    source = step if (step.hold_breaths or step.hold_seconds) else step.pose
    breaths = source.hold_breaths or 0
    seconds = breaths * SECONDS_PER_BREATH if breaths else (source.hold_seconds or 0)
    return breaths, seconds, source.hold_display


def player_steps(routine: Routine, *, figure_url, for_teacher: bool) -> list[PlayerStep]:
    """`figure_url(step)` gives the URL of the step's picture (the two players reach pictures
    differently), or "" for none."""
    rows = []
    steps = list(routine.steps.select_related("pose", "modification"))
    # The same ways as the handout offers: both come from the routine as it is today.
    ways = routine_other_ways(routine, steps)
    for number, step in enumerate(steps, start=1):
        pose, modification = step.pose, step.modification
        breaths, seconds, hold = _hold_of(step)
        notes = (
            [note for note in (step.teacher_note, pose.teacher_notes) if note]
            if for_teacher
            else []
        )
        # As on the handout: a chosen version is the step, with its own lines and figure.
        words = step_words(step)
        rows.append(
            PlayerStep(
                number=number,
                pose=pose,
                modification=modification,
                name=words.name,
                instructions=words.lines,
                version_of=words.version_of,
                breath_cue=pose.breath_cue,
                cue=step.cue,
                hold=hold,
                sides=_sides_text(step),
                breaths=breaths,
                seconds=seconds,
                two_sides=step.sides == Sides.BOTH,
                # A drawn figure is inline SVG; only a studio pose kept as an uploaded picture
                # needs a URL.
                figure_url=figure_url(step)
                if pose.image and not pose.figure and modification is None
                else "",
                teacher_notes=[note for note in notes if note],
                other_ways=[_player_way(way) for way in ways.get(step.pk, [])],
            )
        )
    return rows
