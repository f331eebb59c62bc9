import rules
from django.db.models import QuerySet

from practice.models import Membership, Studio
from practice.rules import is_member, is_owner, is_teacher

# Assistants see names and contact details, and print; never precautions, triggers, notes or
# consent details.
rules.add_rule("clients.view", is_member)
rules.add_rule("clients.view_sensitive", is_teacher)
rules.add_rule("clients.edit", is_teacher)
rules.add_rule("clients.export", is_teacher)
rules.add_rule("clients.erase", is_owner)
rules.add_rule("clients.export_studio", is_owner)
rules.add_rule("consent.manage_text", is_owner)
rules.add_rule("audit.view", is_owner)


# Notes. Reading is a filter over many notes (`Note.objects.visible_to`), so it asks two rules
# about the member and then filters by each note's privacy: the owner reads every note;
# instructors read what is shared with them (studio-wide, their care team's) and their own.
rules.add_rule("notes.read_all", is_owner)
rules.add_rule("notes.read_shared", is_teacher)


@rules.predicate
def is_note_author(membership, note) -> bool:
    return note.author_id == membership.user_id


@rules.predicate
def is_unsigned(membership, note) -> bool:
    return note.signed_at is None


# A signed note is corrected by addenda; nobody, not even the owner, changes what another wrote.
can_edit_note = is_teacher & is_note_author & is_unsigned
rules.add_rule("notes.edit", can_edit_note)
# Signing twice is harmless (the view says it is already signed), so only authorship counts.
rules.add_rule("notes.sign", is_teacher & is_note_author)


def members_allowed(studio: Studio, permission: str) -> QuerySet[Membership]:
    """The studio's members whose role passes `permission`, as a queryset for a form's choices.

    These rules depend on the role alone, so each role is asked once, of a stand-in membership
    (pk set so that `is_member` holds), and the database filters by the roles that pass.
    """
    roles = [
        role
        for role in Membership.Role
        if rules.test_rule(permission, Membership(pk=0, studio=studio, role=role))
    ]
    return studio.memberships.filter(role__in=roles)


# Sessions: assistants see and plan them (names, times, places); check-ins, session notes,
# home practice and progress charts are for the people who teach. Calendar links likewise.
rules.add_rule("sessions.view", is_member)
rules.add_rule("sessions.plan", is_member)
rules.add_rule("sessions.record", is_teacher)
rules.add_rule("sessions.calendar", is_teacher)
# Who may be chosen as a session's teacher (and whose own sessions the dashboard shows).
rules.add_rule("sessions.teach", is_teacher)
