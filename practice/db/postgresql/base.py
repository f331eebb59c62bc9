"""Django's PostgreSQL backend; only the connection pool differs (settings: ENGINE).

After a database restart every idle connection in a pool is dead. psycopg's pool finds that out
one connection at a time as it hands them out, sleeping between (1 s, then 2 s, ...), so a
request that met two dead connections ran out of the pool's timeout and answered 500, even
minutes after the database was back. `SweepingConnectionPool` checks every idle connection at
the first dead one and replaces them all, so at most one short wait follows a restart.
"""

import threading
from collections.abc import Callable
from typing import Any

from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base as postgresql
from psycopg import Connection
from psycopg_pool import ConnectionPool


class SweepingConnectionPool(ConnectionPool):
    def __init__(self, *args: Any, check: Any = None, **kwargs: Any) -> None:
        self._sweeping = threading.local()
        super().__init__(*args, check=self._check_or_sweep if check else None, **kwargs)

    def _check_or_sweep(self, conn: Connection) -> None:
        try:
            ConnectionPool.check_connection(conn)
        except Exception:
            if not getattr(self._sweeping, "active", False):
                self._sweeping.active = True
                try:
                    self.check()  # every idle connection: the dead ones are replaced
                finally:
                    self._sweeping.active = False
            raise


class DatabaseWrapper(postgresql.DatabaseWrapper):
    # Django's own, which django-stubs does not declare: the pools by alias, and the hook
    # that sets up each new connection.
    _connection_pools: dict[str, ConnectionPool]
    _configure_connection: Callable[[Connection], None]

    @property
    def pool(self) -> ConnectionPool | None:
        # As Django 5.2's own property, with SweepingConnectionPool in place of ConnectionPool.
        pool_options = self.settings_dict["OPTIONS"].get("pool")
        if self.alias == NO_DB_ALIAS or not pool_options:
            return None
        if self.alias not in self._connection_pools:
            connect_kwargs = self.get_connection_params()
            connect_kwargs["autocommit"] = True  # Django sets it properly later on
            pool = SweepingConnectionPool(
                kwargs=connect_kwargs,
                open=False,
                configure=self._configure_connection,
                check=self.settings_dict["CONN_HEALTH_CHECKS"],
                **({} if pool_options is True else pool_options),
            )
            self._connection_pools.setdefault(self.alias, pool)
        return self._connection_pools[self.alias]
