"""Touch today at the before check-in, and a session's room sheet (phone page and A4 print).

The sheet shows names, today's touch answer (a word and a shape), room wishes and props, and
nothing else: every free text of the intake is read back decrypted and looked for in the page
and the PDF.
"""

import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from clients.models import AuditEvent, Client, TouchConsentChange
from clients.vocabulary import TouchConsent
from routines.models import Modification
from tests.factories import (
    CheckInFactory,
    ClientFactory,
    NoteFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    SessionFactory,
    TriggerFactory,
    library_pose,
)

pytestmark = pytest.mark.django_db


def _checkin_url(world, session, client) -> str:
    return reverse("checkin", args=[world.studio.code, session.code, client.code, "before"])


def _sheet_url(world, session, pdf: bool = False) -> str:
    name = "session_room_sheet_pdf" if pdf else "session_room_sheet"
    return reverse(name, args=[world.studio.code, session.code])


def _pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def rosa(world) -> Client:
    rosa = ClientFactory(studio=world.studio, preferred_name="Rosa", touch_consent=TouchConsent.ASK)
    rosa.set_room_wishes(["near_door", "nobody_behind"])
    rosa.save()
    return rosa


@pytest.fixture
def session(world, rosa):
    return SessionFactory(studio=world.studio, teacher=world.bob, clients=[rosa])


# --- Touch today ----------------------------------------------------------------------------


def test_the_before_check_in_asks_touch_today_starting_from_the_intake(world, session, rosa):
    page = world.client_for(world.bob).get(_checkin_url(world, session, rosa)).text
    assert "Hands-on support today?" in page
    assert 'value="ask" checked' in page
    after = reverse("checkin", args=[world.studio.code, session.code, rosa.code, "after"])
    assert "Hands-on support today?" not in world.client_for(world.bob).get(after).text


def test_touch_today_joins_the_history_with_the_session_and_leaves_the_intake(world, session, rosa):
    bob = world.client_for(world.bob)
    # The answer alone is enough to keep: the numbers stay "not today".
    response = bob.post(_checkin_url(world, session, rosa), {"touch_today": "no"})
    assert response.status_code == 302
    answer = TouchConsentChange.objects.get(client=rosa)
    assert (answer.value, answer.session, answer.recorded_by) == ("no", session, world.bob.user)
    rosa.refresh_from_db()
    assert rosa.touch_consent == TouchConsent.ASK
    assert not session.check_ins.exists()
    # The page opens again on today's answer, and the same answer adds nothing.
    assert 'value="no" checked' in bob.get(_checkin_url(world, session, rosa)).text
    bob.post(_checkin_url(world, session, rosa), {"touch_today": "no", "hips": "4"})
    assert TouchConsentChange.objects.filter(client=rosa).count() == 1
    assert session.check_ins.get().hips == 4
    summaries = AuditEvent.objects.filter(client=rosa, record_type="touch consent")
    assert list(summaries.values_list("summary", flat=True)) == ["touch today recorded at check-in"]
    # The client page's touch history says which session it was for.
    history = bob.get(reverse("client_detail", args=[world.studio.code, rosa.code])).text
    assert "for that session only" in history


def test_an_unknown_touch_answer_is_refused_and_keeps_what_was_typed(world, session, rosa):
    response = world.client_for(world.bob).post(
        _checkin_url(world, session, rosa), {"touch_today": "maybe", "words": "Tired legs"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert "Tired legs" in response.text
    assert not TouchConsentChange.objects.exists()


def test_touch_today_is_not_kept_for_a_session_not_yet_begun(world, rosa):
    later = SessionFactory(
        studio=world.studio,
        teacher=world.bob,
        clients=[rosa],
        starts_at=timezone.now() + timedelta(days=2),
    )
    response = world.client_for(world.bob).post(
        _checkin_url(world, later, rosa), {"touch_today": "yes"}
    )
    assert response.status_code == 400
    assert not TouchConsentChange.objects.exists()


# --- The room sheet -------------------------------------------------------------------------


def _group_with_a_routine(world, rosa, size: int = 8):
    others = [
        ClientFactory(studio=world.studio, preferred_name=f"Person{n}", touch_consent="yes")
        for n in range(size - 1)
    ]
    routine = RoutineFactory(studio=world.studio)
    block = Modification.objects.get(slug="forehead-on-block-eyes-open")
    RoutineStepFactory(routine=routine, pose=library_pose("childs-pose"), modification=block)
    session = SessionFactory(studio=world.studio, teacher=world.bob, clients=[rosa, *others])
    session.routine_code = routine.code
    session.save()
    return session


def test_the_room_sheet_shows_names_touch_today_wishes_and_props(world, rosa):
    session = _group_with_a_routine(world, rosa, size=3)
    world.client_for(world.bob).post(_checkin_url(world, session, rosa), {"touch_today": "no"})
    page = world.client_for(world.bob).get(_sheet_url(world, session)).text
    assert "Rosa" in page and "Person0" in page
    # Today's answer, not the intake's; as a word beside its shape.
    assert "No hands-on support" in page
    assert "Hands-on support welcome" in page
    assert page.count('class="touch-symbol"') == 3
    assert "A mat near the door · Nobody behind them" in page
    assert "A mat or a soft rug, block" in page
    pdf = world.client_for(world.bob).get(_sheet_url(world, session, pdf=True))
    assert pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    for words in ("Rosa", "No hands-on support", "Nobody behind them", "block"):
        assert words in text


def test_the_room_sheet_holds_nothing_of_the_confidential_intake(world, rosa):
    """Every free text of the intake and notes, read back decrypted, stays off the sheet."""
    session = _group_with_a_routine(world, rosa, size=2)
    PrecautionFactory(
        client=rosa, condition="other", condition_other="Zebrafinch knee", note="Quillstone note"
    )
    TriggerFactory(client=rosa, note="Marbleglow shared", what_helps="Tinderleaf helps")
    NoteFactory(client=rosa, author=world.bob.user, body="Copperfern note body")
    CheckInFactory(session=session, client=rosa, moment="before", words="Lanternmoss words")
    rosa.goals, rosa.props = "Velvetstep goals", "Ashgrove bolster"
    rosa.save()
    rosa = Client.objects.get(pk=rosa.pk)  # decrypted, as the database holds it
    secrets = [
        rosa.goals,
        rosa.props,
        *[p.condition_other for p in rosa.precautions.all()],
        *[p.note for p in rosa.precautions.all()],
        *[t.note for t in rosa.triggers.all()],
        *[t.what_helps for t in rosa.triggers.all()],
        *[n.body for n in rosa.notes.all()],
        *[c.words for c in rosa.check_ins.all()],
    ]
    assert len(secrets) == 8 and all(secrets)
    bob = world.client_for(world.bob)
    page = bob.get(_sheet_url(world, session)).text
    text = _pdf_text(bob.get(_sheet_url(world, session, pdf=True)).content)
    for secret in secrets:
        assert secret not in page
        assert secret not in text


def test_eight_people_fit_one_a4_page(world, rosa):
    session = _group_with_a_routine(world, rosa, size=8)
    for client in session.clients.all():
        client.set_room_wishes(["near_door", "eyes_open", "lights_on", "nobody_behind", "quiet"])
        client.preferred_name = f"{client.preferred_name} Longername"
        client.save()
    pdf = world.client_for(world.bob).get(_sheet_url(world, session, pdf=True)).content
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    assert _pdf_text(pdf).count("Longername") == 8


def test_the_assistant_sees_names_and_touch_only(world, rosa):
    session = _group_with_a_routine(world, rosa, size=2)
    ada = world.client_for(world.ada)
    for url in (_sheet_url(world, session), _sheet_url(world, session, pdf=True)):
        response = ada.get(url)
        assert response.status_code == 200
        text = response.text if "html" in response["Content-Type"] else _pdf_text(response.content)
        assert "Rosa" in text and "Ask first" in text
        assert "Nobody behind them" not in text
        assert "block" not in text.lower()


def test_viewing_and_printing_are_audited_for_each_person(world, rosa):
    session = _group_with_a_routine(world, rosa, size=3)
    bob = world.client_for(world.bob)
    bob.get(_sheet_url(world, session))
    bob.get(_sheet_url(world, session, pdf=True))
    events = AuditEvent.objects.filter(record_type="room sheet", record_code=session.code)
    assert (
        sorted(events.values_list("action", "summary")).count(("print", "room sheet printed")) == 3
    )
    assert events.filter(action="view").count() == 3
    assert set(events.values_list("client_id", flat=True)) == set(
        session.clients.values_list("pk", flat=True)
    )


def test_another_studios_session_is_not_found(world, rosa):
    session = _group_with_a_routine(world, rosa, size=1)
    outsider = world.client_for(world.charlie)
    assert outsider.get(_sheet_url(world, session)).status_code == 404
    own = reverse("session_room_sheet", args=[world.other_studio.code, session.code])
    assert outsider.get(own).status_code == 404


def test_a_session_without_a_routine_says_so(world, session):
    page = world.client_for(world.bob).get(_sheet_url(world, session)).text
    assert "No routine chosen yet" in page


def test_room_wishes_are_kept_in_order_and_an_unknown_one_is_refused(world, rosa):
    url = reverse("preferences_edit", args=[world.studio.code, rosa.code])
    bob = world.client_for(world.bob)
    response = bob.post(url, {"room_wishes": ["quiet", "lights_on", "near_door"]})
    assert response.status_code == 302
    rosa.refresh_from_db()
    assert rosa.room_wishes == ["near_door", "lights_on", "quiet"]
    assert (rosa.prefers_near_door, rosa.prefers_eyes_open) == (True, False)
    refused = bob.post(url, {"room_wishes": ["candles"], "props": "Two blocks"})
    assert refused.status_code == 422
    assert "Select a valid choice" in refused.text and "Two blocks" in refused.text
    rosa.refresh_from_db()
    assert rosa.room_wishes == ["near_door", "lights_on", "quiet"]


def test_the_export_says_which_touch_answers_were_for_a_session(world, session, rosa):
    world.client_for(world.bob).post(_checkin_url(world, session, rosa), {"touch_today": "yes"})
    response = world.client_for(world.bob).get(
        reverse("client_export", args=[world.studio.code, rosa.code]), {"format": "json"}
    )
    record = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )["client"]
    assert record["preferences"]["room_wishes"] == ["near_door", "nobody_behind"]
    (answer,) = record["touch_consent"]["history"]
    assert (answer["value"], answer["session"]) == ("yes", str(session.code))
    assert record["touch_consent"]["current"] == "ask"


def test_the_session_page_links_to_its_room_sheet(world, session):
    """Routines' part of the clients page (clients/hooks.py), for assistants too."""
    detail = reverse("session_detail", args=[world.studio.code, session.code])
    for member in (world.bob, world.ada):
        assert f'href="{_sheet_url(world, session)}"' in world.client_for(member).get(detail).text
