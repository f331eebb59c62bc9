import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from clients.models import Addendum, AuditEvent, Note
from clients.views import notes as note_views
from clients.vocabulary import NotePrivacy
from tests.factories import AddendumFactory, ClientFactory, NoteFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
Action = AuditEvent.Action


@pytest.fixture
def client_a(world):
    return ClientFactory(studio=world.studio, preferred_name="Maya")


@pytest.fixture
def notes(world, client_a):
    """One note per privacy level, written by alice; bob is NOT on Maya's care team."""
    return {
        privacy: NoteFactory(
            client=client_a, author=world.alice.user, privacy=privacy, body=f"Alice {privacy} note"
        )
        for privacy in NotePrivacy.values
    }


def _url(name, note):
    return reverse(name, args=[note.client.studio.code, note.client.code, note.code])


def _add_url(client):
    return reverse("note_add", args=[client.studio.code, client.code])


def _page(world, who, client):
    return world.client_for(getattr(world, who)).get(client.get_absolute_url()).text


# --- Who reads what ------------------------------------------------------------------------------


def test_owners_read_every_note(world, client_a, notes):
    NoteFactory(
        client=client_a, author=world.bob.user, privacy=NotePrivacy.AUTHOR, body="Bob own words"
    )
    page = _page(world, "alice", client_a)
    for privacy in NotePrivacy.values:
        assert f"Alice {privacy} note" in page
    assert "Bob own words" in page


def test_an_instructor_outside_the_care_team_reads_only_studio_notes_and_their_own(
    world, client_a, notes
):
    NoteFactory(
        client=client_a, author=world.bob.user, privacy=NotePrivacy.AUTHOR, body="Bob own words"
    )
    page = _page(world, "bob", client_a)
    assert "Alice studio note" in page
    assert "Alice care_team note" not in page
    assert "Alice author note" not in page
    assert "Bob own words" in page


def test_joining_the_care_team_opens_care_team_notes_but_never_another_authors_own(
    world, client_a, notes
):
    client_a.care_team.add(world.bob)
    page = _page(world, "bob", client_a)
    assert "Alice care_team note" in page
    assert "Alice author note" not in page


def test_assistants_see_no_notes_at_all(world, client_a, notes):
    page = _page(world, "ada", client_a)
    assert 'id="notes"' not in page
    assert "Add a note" not in page
    assert "Alice studio note" not in page


def test_notes_come_newest_first_with_author_date_privacy_and_addenda(world, client_a):
    old = NoteFactory(client=client_a, author=world.alice.user, body="First visit")
    Note.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=3))
    NoteFactory(client=client_a, author=world.bob.user, body="Second visit")
    signed = NoteFactory(
        client=client_a, author=world.bob.user, body="Third visit", signed_at=timezone.now()
    )
    AddendumFactory(note=signed, author=world.alice.user, body="A later correction")
    page = _page(world, "alice", client_a)
    assert page.index("Third visit") < page.index("Second visit") < page.index("First visit")
    assert page.index("Third visit") < page.index("A later correction") < page.index("Second")
    assert "Bob Teacher" in page
    assert "Every teacher: the owner and all instructors" in page
    assert "· locked" in page


def test_the_notes_section_costs_two_queries_however_many_notes(
    world, client_a, django_assert_num_queries
):
    client_a.care_team.add(world.bob)
    for privacy in NotePrivacy.values:
        note = NoteFactory(client=client_a, author=world.alice.user, privacy=privacy)
        note.signed_at = timezone.now()
        note.save()
        AddendumFactory.create_batch(2, note=note, author=world.bob.user)
    request = RequestFactory().get("/")
    request.studio, request.membership, request.user = world.studio, world.bob, world.bob.user
    # 1 the notes bob may read with their authors, 2 their addenda with their authors
    with django_assert_num_queries(2):
        context = note_views.section_context(request, client_a)
        bodies = [a.body for n in context["visible_notes"] for a in n.addenda.all()]
        names = {
            a.author.get_full_name() for n in context["visible_notes"] for a in n.addenda.all()
        }
        names |= {n.author.get_full_name() for n in context["visible_notes"]}
    assert len(context["visible_notes"]) == 2  # studio and care team, not alice's own
    assert len(bodies) == 4
    assert names == {"Alice Owner", "Bob Teacher"}


# --- Adding --------------------------------------------------------------------------------------


def test_the_add_form_defaults_to_the_care_team(world, client_a):
    response = world.client_for(world.bob).get(client_a.get_absolute_url())
    assert response.context["note_form"]["privacy"].value() == NotePrivacy.CARE_TEAM
    assert "Add a note" in response.text


def test_adding_a_note_without_javascript_redirects_to_the_notes(world, client_a):
    response = world.client_for(world.bob).post(
        _add_url(client_a), {"body": "Liked the wall version.", "privacy": "studio"}
    )
    assert response.status_code == 302
    assert response["Location"] == client_a.get_absolute_url() + "#notes"
    note = Note.objects.get()
    assert (note.author, note.privacy, note.body) == (
        world.bob.user,
        "studio",
        "Liked the wall version.",
    )
    event = AuditEvent.objects.get(action=Action.CREATE, record_type="note")
    assert event.record_code == note.code
    assert "wall" not in event.summary


def test_adding_over_htmx_returns_only_what_the_author_may_read(world, client_a, notes):
    response = world.client_for(world.bob).post(
        _add_url(client_a), {"body": "Quiet today.", "privacy": "author"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="notes"')
    assert "Quiet today." in response.text
    assert "Note added." in response.text
    assert "Alice care_team note" not in response.text
    assert "Alice author note" not in response.text


def test_an_empty_note_is_refused_keeping_the_chosen_privacy(world, client_a):
    client = world.client_for(world.bob)
    response = client.post(_add_url(client_a), {"body": " ", "privacy": "author"}, headers=HTMX)
    assert response.status_code == 400
    assert re.search(r'value="author"[^>]* checked', response.text)
    page = client.post(_add_url(client_a), {"body": "", "privacy": "author"})
    assert page.status_code == 400
    assert "Add a note about Maya" in page.text
    assert not Note.objects.exists()


def test_assistants_cannot_add_notes(world, client_a):
    response = world.client_for(world.ada).post(
        _add_url(client_a), {"body": "Hello", "privacy": "studio"}
    )
    assert response.status_code == 403
    assert not Note.objects.exists()


def test_another_studio_cannot_add_notes_to_our_client(world, client_a):
    charlie = world.client_for(world.charlie)
    data = {"body": "Hello", "privacy": "studio"}
    assert charlie.post(_add_url(client_a), data).status_code == 404
    url = reverse("note_add", args=[world.other_studio.code, client_a.code])
    assert charlie.post(url, data).status_code == 404
    assert not Note.objects.exists()


# --- Editing -------------------------------------------------------------------------------------


@pytest.fixture
def bobs_draft(world, client_a):
    return NoteFactory(
        client=client_a, author=world.bob.user, privacy=NotePrivacy.CARE_TEAM, body="Draft text"
    )


def test_the_author_opens_an_unsigned_note_for_editing_and_it_is_audited(world, bobs_draft):
    response = world.client_for(world.bob).get(_url("note_edit", bobs_draft))
    assert response.status_code == 200
    assert "Draft text" in response.text
    event = AuditEvent.objects.get(action=Action.VIEW, record_type="note")
    assert event.record_code == bobs_draft.code
    assert event.summary == "note opened for editing"


def test_editing_saves_and_records_a_change(world, bobs_draft):
    response = world.client_for(world.bob).post(
        _url("note_edit", bobs_draft), {"body": "Better text", "privacy": "author"}
    )
    assert response.status_code == 302
    assert response["Location"] == bobs_draft.client.get_absolute_url() + "#notes"
    bobs_draft.refresh_from_db()
    assert (bobs_draft.body, bobs_draft.privacy) == ("Better text", "author")
    event = AuditEvent.objects.get(action=Action.CHANGE, record_type="note")
    assert event.summary == "note edited"
    assert event.actor == world.bob.user


def test_editing_over_htmx_swaps_the_note_for_a_form_then_returns_the_notes(world, bobs_draft):
    client = world.client_for(world.bob)
    form = client.get(_url("note_edit", bobs_draft), headers=HTMX)
    assert form.status_code == 200
    assert form.text.lstrip().startswith(f'<article id="note-{bobs_draft.code}"')
    assert form["HX-Retarget"] == f"#note-{bobs_draft.code}"
    saved = client.post(
        _url("note_edit", bobs_draft), {"body": "Better", "privacy": "care_team"}, headers=HTMX
    )
    assert saved.status_code == 200
    assert saved.text.lstrip().startswith('<section id="notes"')
    assert "Note saved." in saved.text


def test_an_invalid_edit_comes_back_in_place_with_what_was_typed(world, bobs_draft):
    response = world.client_for(world.bob).post(
        _url("note_edit", bobs_draft), {"body": "Kept words", "privacy": "nobody"}, headers=HTMX
    )
    assert response.status_code == 400
    assert "Kept words" in response.text
    assert response["HX-Retarget"] == f"#note-{bobs_draft.code}"
    bobs_draft.refresh_from_db()
    assert bobs_draft.body == "Draft text"


def test_readable_notes_of_another_author_cannot_be_edited(world, client_a, notes):
    studio_note = notes[NotePrivacy.STUDIO]
    client = world.client_for(world.bob)
    assert client.get(_url("note_edit", studio_note)).status_code == 403
    response = client.post(_url("note_edit", studio_note), {"body": "x", "privacy": "studio"})
    assert response.status_code == 403
    # Even owners, who read everything, do not rewrite someone else's words.
    draft = NoteFactory(client=client_a, author=world.bob.user, privacy=NotePrivacy.STUDIO)
    assert world.client_for(world.alice).get(_url("note_edit", draft)).status_code == 403
    studio_note.refresh_from_db()
    assert studio_note.body == "Alice studio note"


def test_notes_a_member_cannot_read_are_not_found_when_editing(world, client_a, notes):
    client = world.client_for(world.bob)
    for privacy in (NotePrivacy.CARE_TEAM, NotePrivacy.AUTHOR):
        assert client.get(_url("note_edit", notes[privacy])).status_code == 404
        assert client.post(_url("note_sign", notes[privacy])).status_code == 404
        data = {"body": "Addendum"}
        assert client.post(_url("addendum_add", notes[privacy]), data).status_code == 404


def test_signed_notes_cannot_be_edited_even_by_their_author(world, bobs_draft):
    bobs_draft.signed_at = timezone.now()
    bobs_draft.save()
    client = world.client_for(world.bob)
    assert client.get(_url("note_edit", bobs_draft)).status_code == 403
    assert (
        client.post(_url("note_edit", bobs_draft), {"body": "x", "privacy": "studio"}).status_code
        == 403
    )
    bobs_draft.refresh_from_db()
    assert bobs_draft.body == "Draft text"


def test_assistants_cannot_open_the_edit_page(world, client_a):
    note = NoteFactory(client=client_a, author=world.ada.user, privacy=NotePrivacy.STUDIO)
    assert world.client_for(world.ada).get(_url("note_edit", note)).status_code == 403


def test_a_note_of_another_client_or_studio_is_not_found(world, client_a, bobs_draft):
    other_client = ClientFactory(studio=world.studio)
    url = reverse("note_edit", args=[world.studio.code, other_client.code, bobs_draft.code])
    assert world.client_for(world.bob).get(url).status_code == 404
    elsewhere = NoteFactory(client=ClientFactory(studio=world.other_studio), author=world.bob.user)
    url = reverse("note_edit", args=[world.studio.code, client_a.code, elsewhere.code])
    assert world.client_for(world.bob).get(url).status_code == 404
    charlie = world.client_for(world.charlie)
    assert charlie.get(_url("note_edit", bobs_draft)).status_code == 404


# --- Signing and addenda -------------------------------------------------------------------------


def test_the_author_signs_and_locks_a_note(world, bobs_draft):
    response = world.client_for(world.bob).post(_url("note_sign", bobs_draft))
    assert response.status_code == 302
    assert response["Location"] == bobs_draft.client.get_absolute_url() + "#notes"
    bobs_draft.refresh_from_db()
    assert bobs_draft.is_locked
    event = AuditEvent.objects.get(action=Action.SIGN, record_type="note")
    assert event.record_code == bobs_draft.code


def test_signing_over_htmx_shows_the_lock_and_offers_an_addendum(world, bobs_draft):
    response = world.client_for(world.bob).post(_url("note_sign", bobs_draft), headers=HTMX)
    assert response.status_code == 200
    assert "· locked" in response.text
    assert "Add an addendum" in response.text
    assert _url("note_edit", bobs_draft) not in response.text


def test_only_the_author_can_sign(world, client_a, notes):
    response = world.client_for(world.bob).post(_url("note_sign", notes[NotePrivacy.STUDIO]))
    assert response.status_code == 403
    assert (
        world.client_for(world.ada).post(_url("note_sign", notes[NotePrivacy.STUDIO])).status_code
        == 403
    )
    assert not Note.objects.filter(signed_at__isnull=False).exists()


def test_the_page_offers_edit_and_sign_only_to_the_author_of_a_draft(world, client_a, bobs_draft):
    assert _url("note_edit", bobs_draft) in _page(world, "bob", client_a)
    client_a.care_team.add(world.alice)
    alice_page = _page(world, "alice", client_a)
    assert "Draft text" in alice_page
    assert _url("note_edit", bobs_draft) not in alice_page
    assert _url("note_sign", bobs_draft) not in alice_page


def test_any_teacher_who_reads_a_signed_note_can_add_an_addendum(world, client_a, notes):
    signed = notes[NotePrivacy.STUDIO]
    signed.signed_at = timezone.now()
    signed.save()
    response = world.client_for(world.bob).post(
        _url("addendum_add", signed), {"body": "Also: prefers the wall."}
    )
    assert response.status_code == 302
    addendum = Addendum.objects.get()
    assert (addendum.note, addendum.author) == (signed, world.bob.user)
    event = AuditEvent.objects.get(action=Action.CREATE, record_type="addendum")
    assert event.record_code == addendum.code
    page = _page(world, "alice", client_a)
    assert page.index("Alice studio note") < page.index("Also: prefers the wall.")


def test_an_unsigned_note_takes_edits_not_addenda(world, bobs_draft):
    response = world.client_for(world.bob).post(
        _url("addendum_add", bobs_draft), {"body": "Later thought"}
    )
    assert response.status_code == 400
    assert "Sign the note first" in response.text
    assert "Later thought" in response.text
    assert not Addendum.objects.exists()


def test_an_empty_addendum_over_htmx_stays_open_under_its_note(world, bobs_draft):
    bobs_draft.signed_at = timezone.now()
    bobs_draft.save()
    response = world.client_for(world.bob).post(
        _url("addendum_add", bobs_draft), {"body": ""}, headers=HTMX
    )
    assert response.status_code == 400
    assert response.text.lstrip().startswith('<section id="notes"')
    assert '<details class="note-addendum" open>' in response.text
    assert not Addendum.objects.exists()


def test_no_audit_summary_holds_note_text(world, bobs_draft):
    client = world.client_for(world.bob)
    client.post(_url("note_edit", bobs_draft), {"body": "Secret words", "privacy": "author"})
    client.post(_url("note_sign", bobs_draft))
    client.post(_url("addendum_add", bobs_draft), {"body": "More secret words"})
    summaries = " ".join(AuditEvent.objects.values_list("summary", flat=True))
    assert "ecret" not in summaries


def test_note_text_is_encrypted_in_the_database(world, bobs_draft):
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM clients_note WHERE id = %s", [bobs_draft.pk])
        (stored,) = cursor.fetchone()
    assert "Draft text" not in stored
