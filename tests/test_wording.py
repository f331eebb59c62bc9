"""The words people read first match what is true: greetings, and what each role may do."""

import html

import pytest
import rules
from django.urls import reverse

from practice.models import Membership
from practice.roles import ABILITIES, EVERY_MEMBER
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, user) -> None:
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def test_a_first_visit_is_not_greeted_as_a_return(world, client):
    user = world.alice.user
    user.last_login = None
    user.save()
    _sign_in(client, user)
    page = client.get(reverse("studio_dashboard", args=[world.studio.code])).text
    assert "Welcome back" not in page
    assert "Welcome, " in page


def test_someone_who_has_been_here_before_is_welcomed_back(world, client):
    user = world.alice.user
    _sign_in(client, user)
    client.logout()
    _sign_in(client, user)
    page = client.get(reverse("studio_dashboard", args=[world.studio.code])).text
    assert "Welcome back, " in page


def _role_line(page: str, label: str) -> str:
    return html.unescape(page.split(f"<dt>{label}</dt>")[1].split("</dd>")[0])


def test_the_team_page_describes_each_role_by_its_rules(world, owner_client):
    page = owner_client.get(reverse("team", args=[world.studio.code])).text
    assert "schedule" not in page.lower()
    assistant = _role_line(page, "Assistant")
    instructor = _role_line(page, "Instructor")
    assert "Everything assistants can, and:" in instructor
    assert "Everything instructors can, and:" in _role_line(page, "Owner")
    for rule, words in ABILITIES:
        assert (words in assistant) == rules.test_rule(rule, world.ada), rule
        # What an instructor may do is on their line or the assistant's, never beyond it.
        listed = words in instructor or words in assistant
        assert listed == rules.test_rule(rule, world.bob), rule
    assert "print handouts and consent forms" in assistant
    assert "print teacher sheets" in instructor
    assert "read intake (precautions, triggers, consent) and notes" in instructor


ABOUT_ONE_OBJECT = {"notes.edit", "notes.sign"}


def test_every_role_rule_is_described_on_the_team_page():
    described = {rule for rule, _ in ABILITIES}
    # Rules about one object (editing or signing *this* note) depend on who wrote it, not on
    # the role alone, so the Team page cannot list them.
    decided_by_role = set(rules.rulesets.default_rules) - EVERY_MEMBER - ABOUT_ONE_OBJECT
    assert decided_by_role <= described, "describe the new rule in practice/roles.py"
    assert described <= decided_by_role


def test_owners_can_do_everything_the_page_lists(world):
    for rule, _ in ABILITIES:
        assert rules.test_rule(rule, world.alice), rule
    assert world.alice.role == Membership.Role.OWNER
