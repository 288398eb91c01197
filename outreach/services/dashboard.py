"""The dashboard's counts in a user's scope (their kecamatan, or the district), and the snapshot that keeps them.

Counting a million registrations takes one to two seconds (bench/dashboard.py), too long for every page view.
So the counts of each scope are kept in dashboard_snapshots, shared by every app server: a page reads the
snapshot; once it is older than DASHBOARD_CACHE_SECONDS (60) the page still answers with it, and a job
(services/jobs.py) counts again; the page says when its counts were made. Only a scope's first view of the day
counts in the request. DASHBOARD_CACHE_SECONDS=0 counts on every request (the tests).
"""
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from outreach.domain import coverage
from outreach.domain.clock import local_midnight, local_now
from outreach.extensions import db
from outreach.models import DashboardSnapshot, Registration, User
from outreach.models.types import local_date, utcnow
from outreach.services import jobs, programmes
from outreach.services.access import visible_to

WEEKS = 12


def scope_of(user: User) -> str:
    return user.kecamatan_code if user.has_role("coordinator") else "*"


def groups(user: User, today: date) -> list[list]:
    """Every count of the page, from one grouped read that the coverage index answers alone
    (models/registration.py): per desa, status, erased-from, occupation, payer and protected today."""
    protected = Registration.paid_through >= coverage.protected_from(today)
    columns = (Registration.village_code, Registration.status, Registration.erased_from, Registration.occupation,
               Registration.funding, protected)
    query = visible_to(user).with_only_columns(*columns, db.func.count()).group_by(*columns)
    return [list(row) for row in db.session.execute(query).all()]


def programme_uses(user: User) -> list[dict]:
    """Each programme's members and committed amount in the user's scope, against its budget and places."""
    kecamatan = user.kecamatan_code if user.has_role("coordinator") else None
    return [{"id": u.programme.id, "name": u.programme.name, "budget": u.programme.budget, "members": u.members,
             "quota": u.quota, "committed": u.committed,
             "budget_pct": coverage.percent(u.committed, u.programme.budget),
             "quota_pct": coverage.percent(u.members, u.quota)}
            for u in programmes.uses(visible_to(user), kecamatan)]


def by_officer(user: User) -> list[list]:
    now = local_now()
    week_start = local_midnight((now - timedelta(days=now.weekday())).date())
    month_start = local_midnight(now.date().replace(day=1))
    rows = []
    for since in (week_start, month_start):
        query = visible_to(user).where(Registration.created_at >= since).with_only_columns(
            Registration.officer_id, db.func.count()).group_by(Registration.officer_id)
        rows.append(dict(db.session.execute(query).all()))
    ids = set(rows[0]) | set(rows[1])
    names = dict(db.session.execute(db.select(User.id, User.full_name).where(User.id.in_(ids))).all()) if ids else {}
    return sorted(([names[i], rows[0].get(i, 0), rows[1].get(i, 0)] for i in ids), key=lambda r: (-r[2], r[0]))


def weekly(user: User, today: date) -> list[list]:
    """Registrations per week (Monday first, WIB dates) over the last WEEKS weeks, oldest first."""
    first = today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    day = local_date(Registration.created_at)
    query = visible_to(user).where(Registration.created_at >= local_midnight(first)).with_only_columns(
        day, db.func.count()).group_by(day)
    weeks = [[first + timedelta(weeks=i), 0] for i in range(WEEKS)]
    for value, count in db.session.execute(query).all():
        when = value if not isinstance(value, str) else datetime.fromisoformat(value).date()
        index = min(max((when - first).days // 7, 0), WEEKS - 1)
        weeks[index][1] += count
    return [[start.isoformat(), n] for start, n in weeks]


def count(user: User, today: date) -> dict:
    """The page's figures, as JSON (what a snapshot keeps)."""
    return {"groups": groups(user, today), "uses": programme_uses(user), "officers": by_officer(user),
            "weeks": weekly(user, today), "at": local_now().isoformat()}


def figures(user: User, today: date) -> tuple[dict, int | None]:
    """The scope's figures, and the id of a job to dispatch once the caller has committed (or None): counted now
    when DASHBOARD_CACHE_SECONDS is 0 or no snapshot of today exists (and kept), else the snapshot, with a job
    asked to count again once it is older than that."""
    seconds = current_app.config.get("DASHBOARD_CACHE_SECONDS", 0)
    if seconds <= 0:
        return count(user, today), None
    snapshot = db.session.get(DashboardSnapshot, scope_of(user))
    now = utcnow()
    if snapshot is None or snapshot.day != today:
        value = count(user, today)
        keep(scope_of(user), today, value)
        return value, None
    age = timedelta(seconds=seconds)
    if snapshot.made_at >= now - age or (snapshot.asked_at is not None and snapshot.asked_at >= now - age):
        return snapshot.value, None
    snapshot.asked_at = now  # one refresh per period, whatever the number of viewers
    return snapshot.value, jobs.create("dashboard", {"today": today.isoformat()}, user.id).id


def keep(scope: str, today: date, value: dict) -> None:
    """Store a scope's figures (two servers counting the same new day at once: the second one's are kept)."""
    try:
        with db.session.begin_nested():
            db.session.merge(DashboardSnapshot(scope=scope, day=today, made_at=utcnow(), value=value, asked_at=None))
    except IntegrityError:
        pass  # another server stored the same scope's count a moment ago


def refresh(job, report) -> dict:
    """The job: count the asking user's scope again and keep it (then the worker folds the registration count
    changes: jobs.FOLD_AFTER)."""
    user = db.session.get(User, job.user_id)
    today = date.fromisoformat(job.params["today"])
    keep(scope_of(user), today, count(user, today))
    return {}
