"""Database triggers the apps keep, and how they survive later migrations.

Two facts are kept by the database itself, so that no way of changing the data can miss them:
each person's memberships token (practice/memberships.py) and each studio's tally of clients
(clients/tally.py). Each app describes its triggers as a `Triggers` and registers it when it
is ready; its migration creates them the first time.

SQLite alters a table by building a new one and renaming it, which drops the table's own
triggers and fails on a trigger elsewhere that names it. So before `migrate` runs on SQLite
every registered trigger is dropped, and after it (PostgreSQL too, where nothing is dropped)
each is created again wherever its tables exist, and its `refresh` brings what it keeps up to
date with whatever changed while it was away. A later migration needs to do nothing about them.
"""

from dataclasses import dataclass, field

from django.db import connections, migrations, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.signals import post_migrate, pre_migrate


@dataclass(frozen=True)
class Triggers:
    name: str
    # The tables the statements name: the triggers are made only where all of them exist.
    tables: tuple[str, ...]
    # By database vendor: statements that create the triggers (where they do not exist yet),
    # and statements that drop them (where they exist).
    create: dict[str, list[str]]
    drop: dict[str, list[str]]
    # Statements that bring what the triggers keep up to date after a time without them.
    refresh: dict[str, list[str]] = field(default_factory=dict)

    def make(self, connection: BaseDatabaseWrapper) -> None:
        """Creates the triggers, then refreshes what they keep."""
        statements = self.create[connection.vendor] + self.refresh.get(connection.vendor, [])
        _execute(connection, statements)

    def remove(self, connection: BaseDatabaseWrapper) -> None:
        _execute(connection, self.drop[connection.vendor])

    def operation(self) -> migrations.RunPython:
        """The migration step that makes them the first time (and removes them backwards)."""
        return migrations.RunPython(
            lambda apps, schema_editor: self.make(schema_editor.connection),
            lambda apps, schema_editor: self.remove(schema_editor.connection),
        )


def _execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


_registered: list[Triggers] = []


def register(triggers: Triggers) -> None:
    if all(each.name != triggers.name for each in _registered):
        _registered.append(triggers)


def connect_to_migrate(sender: object) -> None:
    """Called once, by the practice app: `migrate` sends these signals once per app."""
    pre_migrate.connect(_before_migrating, sender=sender, dispatch_uid="practice.triggers.pre")
    post_migrate.connect(_after_migrating, sender=sender, dispatch_uid="practice.triggers.post")


def _before_migrating(using: str = "default", **kwargs) -> None:
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    for triggers in _registered:
        triggers.remove(connection)


def _after_migrating(using: str = "default", **kwargs) -> None:
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    for triggers in _registered:
        if set(triggers.tables) <= existing:
            with transaction.atomic(using=using):
                triggers.make(connection)
