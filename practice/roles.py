"""What each role may do, in plain words, worked out from the rules themselves.

The Team page shows this, so its description can never promise more or less than the rules
allow. Rules of the other apps are named by string: practice imports neither clients nor
routines, and the rule registry is shared.
"""

from dataclasses import dataclass

import rules

from practice.models import Membership, Studio

# Every rule a person's role decides, with the words the Team page uses for it. Viewing the
# studio and its team is left out: every member may. So is following a background job: every
# member may open the job pages, and the job's own rule (the one that started it) decides.
ABILITIES: list[tuple[str, str]] = [
    ("clients.view", "see clients' names and contact details"),
    ("clients.view_sensitive", "read intake (precautions, triggers, consent) and notes"),
    ("clients.edit", "add and change clients, their intake, signatures and notes"),
    ("notes.read_shared", "read notes shared with every teacher or with their care team"),
    ("notes.read_all", "read every note, including those kept to their author"),
    ("clients.export", "export a client's record"),
    ("sessions.view", "see sessions: who, when and where"),
    ("sessions.plan", "plan and change sessions"),
    ("sessions.record", "record check-ins, session notes and home practice, and see progress"),
    ("sessions.teach", "teach sessions"),
    ("sessions.calendar", "follow their sessions in their own calendar app"),
    ("poses.view", "browse the pose library"),
    ("poses.manage", "add poses and modifications"),
    ("routines.view", "see routines"),
    ("routines.edit", "build and change routines"),
    ("handouts.print", "print handouts and consent forms"),
    ("practice_links.manage", "turn a client's practice link on, renew it or turn it off"),
    ("handouts.print_teacher_sheet", "print teacher sheets"),
    ("wording.check", "see gentle wording suggestions as they write for clients"),
    ("studio.manage_team", "invite people, change roles and remove members"),
    ("studio.change_settings", "change studio settings, including two-factor for everyone"),
    ("consent.manage_text", "write the consent text"),
    ("handouts.settings", "choose the handout settings"),
    ("clients.erase", "erase a client on request"),
    ("clients.export_studio", "export the whole studio"),
    ("audit.view", "read the audit trail"),
]
EVERY_MEMBER = {"studio.view", "studio.view_team", "jobs.view"}


@dataclass
class RoleSummary:
    role: str
    label: str
    can: set[str]  # every rule this role passes
    below: "RoleSummary | None" = None  # the next role down, when this one can all it can

    @property
    def adds(self) -> list[str]:
        """What this role can do beyond the role below it, in the page's words and order."""
        inherited = self.below.can if self.below else set()
        return [words for rule, words in ABILITIES if rule in self.can - inherited]


def role_summaries(studio: Studio) -> list[RoleSummary]:
    """Owner, instructor, assistant: each described by what it adds to the one below."""
    summaries: list[RoleSummary] = []
    below = None
    for role, label in reversed(Membership.Role.choices):
        member = Membership(studio=studio, role=role)
        member.pk = 0  # an unsaved stand-in: rules ask about the role, not a real person
        can = {rule for rule, _ in ABILITIES if rules.test_rule(rule, member)}
        summary = RoleSummary(role=role, label=label, can=can)
        if below is not None and below.can <= can:
            summary.below = below
        summaries.append(summary)
        below = summary
    return summaries[::-1]
