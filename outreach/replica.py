"""Reads of a few heavy pages (the dashboard, exports) from a PostgreSQL read replica, when DATABASE_REPLICA_URL
is set: the session sends their SELECTs there and everything else (writes, flushes, locks, every other page)
to the primary. A replica lags a little behind: only pages that may show figures a few seconds old use it."""
from functools import wraps

from flask import g, has_request_context, request
from flask_sqlalchemy.session import Session
from sqlalchemy import Select

REPLICA = "replica"  # the bind key in SQLALCHEMY_BINDS


class RoutingSession(Session):
    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if (bind is None and not self._flushing and isinstance(clause, Select) and clause._for_update_arg is None
                and has_request_context() and g.get("read_replica") and REPLICA in self._db.engines):
            return self._db.engines[REPLICA]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def reads_from_replica(view):
    """A GET whose reads may go to the replica (put it under the login checks: who is logged in is read
    from the primary, where the session was just written)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        g.read_replica = request.method == "GET"
        return view(*args, **kwargs)
    return wrapped
