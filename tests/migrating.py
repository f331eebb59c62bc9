"""Moving the test database to a point in its migrations, for the tests of a data migration."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets):
    """Migrates to `targets` ([(app, migration)]); returns the historical models there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    return migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())
