"""Every role check lives in a `rules.py` (practice/rules.py says so in its first line).

Code elsewhere asks a rule (`rules.test_rule("clients.export_studio", membership)`) or a
predicate from there (`is_instructor(membership)`); it never compares role names itself, so
giving a role more or less is one change in one place, and the Team page (practice/roles.py,
worked out from the rules) cannot drift from what the code does.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("practice", "clients", "routines")
# Where roles are defined and decided.
DECIDED_HERE = {"rules.py", "roles.py", "models.py"}
ALLOWED = {
    # Changing a role: "a studio always keeps an owner" is a fact about the rows being changed,
    # counted under a lock, not a question of what the person asking may do.
    Path("practice/services.py"),
}


def _role_checks(source: str) -> list[int]:
    """Lines that compare a role, read `is_owner`, or filter people by role."""

    def names_a_role(node: ast.AST) -> bool:
        for part in ast.walk(node):
            if isinstance(part, ast.Attribute) and part.attr in {"role", "Role"}:
                return True
            if isinstance(part, ast.Name) and (part.id in {"role", "Role"} or "_ROLES" in part.id):
                return True
        return False

    def filters_by_role(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"filter", "exclude", "get"}
            and any(
                (k.arg or "").split("__")[-1] in {"role", "in"} and "role" in (k.arg or "")
                for k in node.keywords
            )
        )

    lines = []
    for node in ast.walk(ast.parse(source)):
        compares = isinstance(node, ast.Compare) and names_a_role(node)
        reads_is_owner = isinstance(node, ast.Attribute) and node.attr == "is_owner"
        if compares or reads_is_owner or filters_by_role(node):
            lines.append(node.lineno)
    return sorted(set(lines))


def _app_files() -> list[Path]:
    files = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or path.name in DECIDED_HERE:
                continue
            if relative not in ALLOWED:
                files.append(path)
    return files


def test_no_role_is_checked_outside_the_rules():
    found = {
        str(path.relative_to(ROOT)): lines
        for path in _app_files()
        if (lines := _role_checks(path.read_text()))
    }
    assert found == {}, "ask a rule or a predicate from rules.py instead"


def test_the_role_check_finder_can_fail():
    source = """
if membership.role == Membership.Role.OWNER:
    pass
teaches = request.membership.role in TEACHING_ROLES
if not membership.is_owner:
    pass
people = studio.memberships.filter(role__in=roles)
owners = studio.memberships.filter(membership__role="owner")
Membership.objects.create(user=user, studio=studio, role=Membership.Role.OWNER)
allowed = rules.test_rule("clients.export_studio", membership)
"""
    assert _role_checks(source) == [2, 4, 5, 7, 8]


# The Team page shows each member's role (the selected option of its menu) and marks the one
# owner who may not leave; what the viewer may do there comes from the view's `can_manage`.
TEMPLATES_SHOWING_ROLES = {Path("templates/practice/team.html")}
TEMPLATE_ROLE_CHECK = re.compile(r"{%\s*(if|elif)\b[^%]*(\.is_owner\b|\.role\b)")


def test_templates_ask_what_the_view_decided_not_the_role():
    found = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if path.relative_to(ROOT) not in TEMPLATES_SHOWING_ROLES
        and TEMPLATE_ROLE_CHECK.search(path.read_text())
    ]
    assert found == []
    assert TEMPLATE_ROLE_CHECK.search("{% if membership.is_owner %}")
    assert TEMPLATE_ROLE_CHECK.search('{% elif request.membership.role == "owner" %}')
