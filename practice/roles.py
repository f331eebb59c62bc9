"""What each role may do, in plain words, worked out from the rules themselves.

The Team page shows this, so its description can never promise more or less than the rules
allow. Rules of the other apps are named by string: practice imports neither clients nor
routines, and the rule registry is shared.
"""

from dataclasses import dataclass

import rules

from practice.models import Membership, Studio

# Every rule a person's role decides, with the words the Team page uses for it. Viewing the
# studio and its team is left out: every member may.
ABILITIES: list[tuple[str, str]] = [
    ("clients.view", "see clients' names and contact details"),
    ("clients.view_sensitive", "read intake (precautions, triggers, consent) and notes"),
    ("clients.edit", "add and change clients, their intake, signatures and notes"),
    ("clients.export", "export a client's record"),
    ("poses.view", "browse the pose library"),
    ("poses.manage", "add poses and modifications"),
    ("routines.view", "see routines"),
    ("routines.edit", "build and change routines"),
    ("handouts.print", "print handouts and consent forms"),
    ("handouts.print_teacher_sheet", "print teacher sheets"),
    ("studio.manage_team", "invite people, change roles and remove members"),
    ("studio.change_settings", "change studio settings, including two-factor for everyone"),
    ("consent.manage_text", "write the consent text"),
    ("handouts.settings", "choose the handout settings"),
    ("clients.erase", "erase a client on request"),
    ("clients.export_studio", "export the whole studio"),
    ("audit.view", "read the audit trail"),
]
EVERY_MEMBER = {"studio.view", "studio.view_team"}


@dataclass
class RoleSummary:
    role: str
    label: str
    can: list[str]
    cannot: list[str]


def role_summaries(studio: Studio) -> list[RoleSummary]:
    summaries = []
    for role, label in Membership.Role.choices:
        member = Membership(studio=studio, role=role)
        member.pk = 0  # an unsaved stand-in: rules ask about the role, not a real person
        allowed = {rule for rule, _ in ABILITIES if rules.test_rule(rule, member)}
        summaries.append(
            RoleSummary(
                role=role,
                label=label,
                can=[words for rule, words in ABILITIES if rule in allowed],
                cannot=[words for rule, words in ABILITIES if rule not in allowed],
            )
        )
    return summaries
