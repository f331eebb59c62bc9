"""A signed-in person's memberships, with their studios, kept in the worker's memory.

Every studio page needs them (the tenant check and the studio switcher), and reading them was
the largest part of what the client list costs beyond any signed-in request. They change
rarely, and the database says when: triggers renew `User.memberships_token` whenever one of her
memberships or one of their studios is added, changed or removed (practice migration 0006).
Her user row is read on every request anyway, so a copy made under the token she has now is
current, and any other copy is never used. The token is random, never a counter, so a row
that reuses a primary key (a test rolled back) cannot meet an old copy.

Only studio names, settings and roles are kept, nothing about a client. Each request gets
model instances of its own, so nothing a view changes on them reaches the next request.
"""

from django.db import DEFAULT_DB_ALIAS

from practice.models import Membership, Studio, User
from practice.triggers import Triggers

# People whose memberships a worker keeps; past this, it starts again (a page or two each).
KEEP_AT_MOST = 10_000
_MEMBERSHIP_FIELDS = tuple(field.attname for field in Membership._meta.concrete_fields)
_STUDIO_FIELDS = tuple(field.attname for field in Studio._meta.concrete_fields)

Row = tuple[tuple, tuple]
_kept: dict[int, tuple[object, list[Row]]] = {}


def memberships_of(user: User) -> list[Membership]:
    """Her memberships with their studios (`membership.user` is `user`), by studio name."""
    kept = _kept.get(user.pk)
    if kept is None or kept[0] != user.memberships_token:
        rows = [
            (
                tuple(getattr(membership, name) for name in _MEMBERSHIP_FIELDS),
                tuple(getattr(membership.studio, name) for name in _STUDIO_FIELDS),
            )
            for membership in Membership.objects.select_related("studio").filter(user=user)
        ]
        if len(_kept) >= KEEP_AT_MOST:
            _kept.clear()
        _kept[user.pk] = kept = (user.memberships_token, rows)
    return [_membership(user, *row) for row in kept[1]]


def _membership(user: User, membership_values: tuple, studio_values: tuple) -> Membership:
    membership = Membership.from_db(DEFAULT_DB_ALIAS, _MEMBERSHIP_FIELDS, membership_values)
    membership.studio = Studio.from_db(DEFAULT_DB_ALIAS, _STUDIO_FIELDS, studio_values)
    membership.user = user
    return membership


RENEW_SQLITE = "UPDATE practice_user SET memberships_token = lower(hex(randomblob(16)))"
RENEW_POSTGRESQL = "UPDATE practice_user SET memberships_token = gen_random_uuid()"
TOKEN_TRIGGERS = Triggers(
    name="memberships token",
    tables=("practice_user", "practice_membership", "practice_studio"),
    create={
        "sqlite": [
            f"""CREATE TRIGGER IF NOT EXISTS practice_membership_added
            AFTER INSERT ON practice_membership
            BEGIN {RENEW_SQLITE} WHERE id = NEW.user_id; END""",
            f"""CREATE TRIGGER IF NOT EXISTS practice_membership_changed
            AFTER UPDATE ON practice_membership
            BEGIN {RENEW_SQLITE} WHERE id IN (OLD.user_id, NEW.user_id); END""",
            f"""CREATE TRIGGER IF NOT EXISTS practice_membership_removed
            AFTER DELETE ON practice_membership
            BEGIN {RENEW_SQLITE} WHERE id = OLD.user_id; END""",
            f"""CREATE TRIGGER IF NOT EXISTS practice_studio_changed
            AFTER UPDATE ON practice_studio
            BEGIN {RENEW_SQLITE}
            WHERE id IN (SELECT user_id FROM practice_membership WHERE studio_id = NEW.id); END""",  # noqa: S608 - our own statements
        ],
        "postgresql": [
            f"""CREATE OR REPLACE FUNCTION practice_renew_memberships_token() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_TABLE_NAME = 'practice_studio' THEN
                {RENEW_POSTGRESQL}
                WHERE id IN (SELECT user_id FROM practice_membership WHERE studio_id = NEW.id);
              ELSE
                IF TG_OP <> 'INSERT' THEN {RENEW_POSTGRESQL} WHERE id = OLD.user_id; END IF;
                IF TG_OP <> 'DELETE' THEN {RENEW_POSTGRESQL} WHERE id = NEW.user_id; END IF;
              END IF;
              RETURN NULL;
            END $$""",  # noqa: S608 - our own statements
            "DROP TRIGGER IF EXISTS practice_membership_changed ON practice_membership",
            """CREATE TRIGGER practice_membership_changed
            AFTER INSERT OR UPDATE OR DELETE ON practice_membership
            FOR EACH ROW EXECUTE FUNCTION practice_renew_memberships_token()""",
            "DROP TRIGGER IF EXISTS practice_studio_changed ON practice_studio",
            """CREATE TRIGGER practice_studio_changed AFTER UPDATE ON practice_studio
            FOR EACH ROW EXECUTE FUNCTION practice_renew_memberships_token()""",
        ],
    },
    drop={
        "sqlite": [
            "DROP TRIGGER IF EXISTS practice_membership_added",
            "DROP TRIGGER IF EXISTS practice_membership_changed",
            "DROP TRIGGER IF EXISTS practice_membership_removed",
            "DROP TRIGGER IF EXISTS practice_studio_changed",
        ],
        "postgresql": [
            "DROP TRIGGER IF EXISTS practice_membership_changed ON practice_membership",
            "DROP TRIGGER IF EXISTS practice_studio_changed ON practice_studio",
            "DROP FUNCTION IF EXISTS practice_renew_memberships_token()",
        ],
    },
    # Whatever changed while the triggers were away: every copy is made again.
    refresh={"sqlite": [RENEW_SQLITE], "postgresql": [RENEW_POSTGRESQL]},
)
