"""The dashboard's counts kept for a short while in this process (DASHBOARD_CACHE_SECONDS), by scope and day.

Counting a million registrations takes about a second (bench/dashboard.py); a coverage page a minute old is as
useful as a fresh one, and the page says when its counts were made. Each app process keeps its own."""
import time

from flask import current_app


def _store() -> dict:
    return current_app.extensions.setdefault("dashboard_counts", {})  # key -> (made at, value)


def kept(key, make):
    """`make()`'s value for `key`, made again once older than DASHBOARD_CACHE_SECONDS."""
    seconds = current_app.config.get("DASHBOARD_CACHE_SECONDS", 0)
    now = time.monotonic()
    store = _store()
    found = store.get(key)
    if seconds > 0 and found is not None and now - found[0] < seconds:
        return found[1]
    value = make()
    if seconds > 0:
        for old in [k for k, (at, _v) in store.items() if now - at >= seconds]:  # days pass, scopes come and go
            store.pop(old, None)
        store[key] = (now, value)
    return value


def clear() -> None:
    _store().clear()
