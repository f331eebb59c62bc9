"""Role checks in clients go through clients/rules.py: who reads, edits and signs a note (worded
exactly by the privacy labels), and who may be chosen for a care team or as a witness."""

from contextlib import contextmanager

import pytest
import rules
from django.urls import reverse

from clients.forms.clients import ClientForm
from clients.forms.consent import SignatureForm
from clients.models import Note
from clients.rules import members_allowed
from clients.vocabulary import NotePrivacy
from tests.factories import ClientFactory, MembershipFactory, NoteFactory

pytestmark = pytest.mark.django_db

# Who reads a note at each level, fixed here rather than derived from the code under test.
READERS = {
    NotePrivacy.STUDIO: {"owner", "author", "care team instructor", "other instructor"},
    NotePrivacy.CARE_TEAM: {"owner", "author", "care team instructor"},
    NotePrivacy.AUTHOR: {"owner", "author"},
}
# What each level's label must name, so it says exactly who can read.
LABEL_WORDS = {
    NotePrivacy.STUDIO: ["owner", "all instructors", "not assistants"],
    NotePrivacy.CARE_TEAM: ["care team", "author", "owner"],
    NotePrivacy.AUTHOR: ["Only", "author", "owner"],
}


@contextmanager
def _rule_replaced(name: str, predicate):
    original = rules.rulesets.default_rules[name]
    rules.set_rule(name, predicate)
    try:
        yield
    finally:
        rules.set_rule(name, original)


@pytest.fixture
def people(world):
    """The author is an instructor outside the care team, so their reading comes from authorship."""
    care_team_instructor = MembershipFactory(studio=world.studio, role="instructor")
    client = ClientFactory(studio=world.studio)
    client.care_team.set([care_team_instructor])
    return client, {
        "owner": world.alice,
        "author": world.bob,
        "care team instructor": care_team_instructor,
        "other instructor": MembershipFactory(studio=world.studio, role="instructor"),
        "assistant": world.ada,
    }


@pytest.mark.parametrize("privacy", list(NotePrivacy))
def test_each_level_is_read_by_exactly_whom_its_label_says(world, people, privacy):
    client, members = people
    note = NoteFactory(client=client, author=world.bob.user, privacy=privacy)
    readers = {
        name
        for name, membership in members.items()
        if Note.objects.visible_to(membership).filter(pk=note.pk).exists()
    }
    assert readers == READERS[privacy]
    label = NotePrivacy(privacy).label
    for word in LABEL_WORDS[privacy]:
        assert word in label, f"{label!r} should name {word!r}"


def test_the_owner_reading_private_notes_is_a_rule_not_a_role_comparison(world, people):
    client, _ = people
    note = NoteFactory(client=client, author=world.bob.user, privacy=NotePrivacy.AUTHOR)
    with _rule_replaced("notes.read_all", rules.always_deny):
        assert not Note.objects.visible_to(world.alice).filter(pk=note.pk).exists()
    assert Note.objects.visible_to(world.alice).filter(pk=note.pk).exists()


def test_assistants_read_no_notes_by_rule(world, people):
    client, _ = people
    NoteFactory(client=client, author=world.bob.user, privacy=NotePrivacy.STUDIO)
    assert rules.rule_exists("notes.read_shared")
    assert not rules.test_rule("notes.read_shared", world.ada)
    assert not Note.objects.visible_to(world.ada).exists()


@pytest.mark.parametrize(
    ("who", "locked", "can_edit", "can_sign"),
    [
        ("bob", False, True, True),
        ("bob", True, False, True),
        ("alice", False, False, False),
    ],
)
def test_only_the_author_edits_an_unsigned_note_and_signs_it(
    world, who, locked, can_edit, can_sign
):
    note = NoteFactory(
        client=ClientFactory(studio=world.studio), author=world.bob.user, privacy="studio"
    )
    if locked:
        note.signed_at = note.created_at
    membership = getattr(world, who)
    assert rules.test_rule("notes.edit", membership, note) is can_edit
    assert rules.test_rule("notes.sign", membership, note) is can_sign


def test_the_note_card_asks_the_rule_before_offering_edit(world):
    client = ClientFactory(studio=world.studio)
    note = NoteFactory(client=client, author=world.bob.user, privacy="studio")
    edit_url = reverse("note_edit", args=[world.studio.code, client.code, note.code])
    owner = world.client_for(world.alice)
    assert edit_url not in owner.get(client.get_absolute_url()).text
    with _rule_replaced("notes.edit", rules.always_allow):
        assert edit_url in owner.get(client.get_absolute_url()).text


def test_members_allowed_asks_the_rule_of_each_role(world):
    def names(permission):
        return {m.user.name for m in members_allowed(world.studio, permission)}

    assert names("clients.edit") == {"Alice Owner", "Bob Teacher"}
    assert names("clients.view") == {"Alice Owner", "Bob Teacher", "Ada Desk"}
    assert names("clients.erase") == {"Alice Owner"}


def test_care_team_and_witness_choices_follow_the_rules(world):
    def choices():
        care_team = ClientForm(studio=world.studio).fields["care_team"].queryset
        witness = SignatureForm(studio=world.studio).fields["witness"].queryset
        return set(care_team), set(witness)

    assert choices() == ({world.alice, world.bob}, {world.alice, world.bob})
    with (
        _rule_replaced("clients.view_sensitive", rules.always_deny),
        _rule_replaced("clients.edit", rules.always_deny),
    ):
        assert choices() == (set(), set())
