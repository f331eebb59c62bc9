"""Every role check in Groundwork, in one place.

Rules are tested against the request's `Membership` (the person's role in the studio named by
the URL), so a view asks "may this membership do X?" and never compares role names itself.
Later apps add their own rules in their `rules.py`, which `rules` discovers on start-up.
"""

import rules

from practice.models import Membership


@rules.predicate
def is_owner(membership: Membership) -> bool:
    return membership.role == Membership.Role.OWNER


@rules.predicate
def is_instructor(membership: Membership) -> bool:
    return membership.role == Membership.Role.INSTRUCTOR


# The people who teach: they see clients' sensitive records and may lead a session.
is_teacher = is_owner | is_instructor


@rules.predicate
def is_member(membership: Membership) -> bool:
    return membership.pk is not None


rules.add_rule("studio.view", is_member)
rules.add_rule("studio.view_team", is_member)
rules.add_rule("studio.manage_team", is_owner)
rules.add_rule("studio.change_settings", is_owner)
# Seeing a background job at all; its own `permission` then decides (practice/job_views.py).
rules.add_rule("jobs.view", is_member)
# Gentle wording notes beside the fields of client-facing text: for those who write it.
rules.add_rule("wording.check", is_owner | is_instructor)
