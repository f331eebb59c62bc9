"""A session's room sheet: who is coming, each one's answer to "hands-on support today?",
what helps them in the room, and the props to set out for the routine.

Nothing else is read for it: no precaution, trigger, note, goal or check-in number, so none
can reach the page or the print. Assistants get names and touch answers only (their role never
sees preferences); the people who teach also get room wishes and props. It lives in routines
because the props come from the session's routine (imports run routines -> clients).
"""

from dataclasses import dataclass, field

from clients.models import Client, Session
from clients.sessions.services import touch_today_for
from clients.vocabulary import TouchConsent
from routines.models import Routine
from routines.paper.handouts import routine_needs

# Today's touch answer as a word; the symbol beside it (routines/_touch_symbol.html) has its
# own shape for each, so neither colour nor the symbol alone carries the meaning.
TOUCH_WORDS = {
    TouchConsent.YES: "Hands-on support welcome",
    TouchConsent.NO: "No hands-on support",
    TouchConsent.ASK: "Ask first",
}


@dataclass(frozen=True)
class RoomPerson:
    name: str
    touch: str
    wishes: list[str] = field(default_factory=list)

    @property
    def touch_word(self) -> str:
        return TOUCH_WORDS[TouchConsent(self.touch)]


@dataclass(frozen=True)
class RoomSheet:
    session: Session
    people: list[RoomPerson]
    # For each mat; empty when no routine is chosen, or for an assistant.
    props: list[str]
    has_routine: bool
    # False for assistants: names and touch answers only.
    full: bool


def room_clients(session: Session) -> list[Client]:
    """The session's people with only the columns the sheet may show, in name order."""
    return list(
        session.clients.order_by("preferred_name", "pk").only(
            "code", "studio", "preferred_name", "touch_consent", "room_wishes"
        )
    )


def room_sheet(session: Session, clients: list[Client], *, full: bool) -> RoomSheet:
    touch = touch_today_for(session, clients)
    people = [
        RoomPerson(
            name=client.preferred_name,
            touch=touch[client.pk],
            wishes=client.room_wish_labels if full else [],
        )
        for client in clients
    ]
    routine = None
    if session.routine_code:
        # The routine as it is today (its props), found within the session's own studio.
        routine = Routine.objects.filter(studio=session.studio, code=session.routine_code).first()
    props = routine_needs(routine) if routine is not None and full else []
    return RoomSheet(
        session=session,
        people=people,
        props=props,
        has_routine=routine is not None,
        full=full,
    )
