"""The two caches Groundwork runs on (settings.CACHES picks one).

The cache holds rate-limit counters and rendered handouts that are about no one: losing it for
a while must cost a little protection or speed, never the site.

- One machine (the default): the database cache, with an `incr` that is atomic, so two requests
  counting at once never lose a count. Bounded by MAX_ENTRIES; `manage.py createcachetable`
  (run by `make migrate`) makes its table.
- Several machines: Redis. When Redis does not answer (stopped, restarting, unreachable), each
  call falls back to this process's own memory for a few seconds before Redis is tried again.
  Pages, sign-in and saves keep working; rate limits keep counting, per server process instead
  of shared (so a limit of 10 allows up to 10 per process while Redis is away), which is the
  documented way they fail safe. `/healthz` calls the cache degraded meanwhile.
"""

import base64
import logging
import pickle
import time
from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router, transaction
from django.db.models import DateTimeField, Expression
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
# After Redis failed to answer, how long this process uses its own memory before trying again.
REDIS_RETRY_SECONDS = 3.0
_REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


class AtomicDatabaseCache(DatabaseCache):
    """Django's database cache; `incr` (and so `decr`) reads and writes under a row lock."""

    _table: str  # set by DatabaseCache.__init__; django-stubs does not declare it

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        # SQLite has no row locks; its transactions take the write lock when they begin
        # (settings: transaction_mode IMMEDIATE), which serialises the same way.
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        value_, expires_, key_ = (quote_name(name) for name in ("value", "expires", "cache_key"))
        # Only quoted names go into the text; every value is a parameter.
        select = f"SELECT {value_}, {expires_} FROM {table} WHERE {key_} = %s{lock}"  # noqa: S608
        update = f"UPDATE {table} SET {value_} = %s WHERE {key_} = %s"  # noqa: S608
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(select, [key])
            row = cursor.fetchone()
            if row is None or self._has_expired(row[1], connection):
                raise ValueError(f"Key '{key}' not found.")
            stored = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(stored.encode())) + delta  # noqa: S301
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(update, [encoded, key])
        return value

    @staticmethod
    def _has_expired(expires: Any, connection: Any) -> bool:
        expression = Expression(output_field=DateTimeField())
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        for converter in converters:
            expires = converter(expires, expression, connection)
        return expires < timezone.now()


class ResilientRedisCache(RedisCache):
    """Redis, or while Redis does not answer, this process's memory (see the module's text)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._local = LocMemCache(
            f"redis-fallback-{id(self)}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 10_000}},
        )
        self._down_until = 0.0

    @property
    def degraded(self) -> bool:
        """True while calls go to this process's memory because Redis did not answer."""
        return time.monotonic() < self._down_until

    def _either(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not self.degraded:
            try:
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except _REDIS_DOWN:
                logger.warning(
                    "Redis is not answering: this process counts and caches on its own for %ss",
                    REDIS_RETRY_SECONDS,
                )
                self._down_until = time.monotonic() + REDIS_RETRY_SECONDS
        return getattr(self._local, name)(*args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> bool:
        return self._either("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> None:
        return self._either("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        return self._either("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        return self._either("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> dict:
        return self._either("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> bool:
        return self._either("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> int:
        return self._either("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> list:
        return self._either("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        return self._either("delete_many", *args, **kwargs)

    def clear(self) -> None:
        return self._either("clear")
