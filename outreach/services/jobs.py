"""Long work outside the request, on RQ (Redis) when JOBS_REDIS_URL is set, else on a thread of this process
(the embedded default): the same job code either way.

A job row (models/job.py) is created by the request with what to do (the caller commits), then dispatch()ed;
outreach/worker.py runs it (claims it, calls the handler named in KINDS, commits its progress and result).
Handlers, like every service, add and flush and never commit.
"""
import threading
import zlib
from datetime import timedelta

from flask import current_app, has_request_context
from flask_babel import get_locale

from outreach.extensions import db
from outreach.models import Job, JobChunk
from outreach.models.types import utcnow

KINDS = {  # kind -> "module:function" taking (job, report)
    "export_queue": "outreach.services.export_jobs:queue_export",
    "export_programme": "outreach.services.export_jobs:programme_export",
    "import_kpj": "outreach.services.import_jobs:kpj",
    "import_cohort": "outreach.services.import_jobs:cohort",
    "check_payments": "outreach.services.import_jobs:payments_preview",
    "import_payments": "outreach.services.import_jobs:payments",
    "dashboard": "outreach.services.dashboard:refresh",
    "send_messages": "outreach.services.routines:send_messages",
    "retention": "outreach.services.routines:retention",
}
# The timers' routine work: one at a time (start_once), and the district's rather than its starter's, so any admin
# sees it on /tugas/<id> (its summary is counts only, and it has no file).
ROUTINE = ("send_messages", "retention")
# Kinds after whose commit the worker folds the count changes (services/counts.py): the imports that move
# thousands of registrations at once, a retention run, and the dashboard's refresh (a moment that comes every
# minute or so)
FOLD_AFTER = frozenset({"import_kpj", "import_cohort", "retention", "dashboard"})
QUEUE = "outreach"
CHUNK = 512 * 1024
# gzip's fastest level: a file kept a day; level 6 took 3 times as long (a third of a 1M-row export's time) to
# make it a quarter smaller
GZIP_LEVEL = 1


class JobFailed(Exception):
    """A failure to show the user as it is (its message is in their language and holds no personal data)."""


def create(kind: str, params: dict, user_id: int, total: int | None = None, filename: str | None = None,
           mimetype: str | None = None) -> Job:
    """A job for the user (added and flushed; the caller commits, then dispatch()es it)."""
    if kind not in KINDS:
        raise ValueError(kind)
    job = Job(kind=kind, params=params | {"locale": locale()}, user_id=user_id, total=total, filename=filename, mimetype=mimetype,
              state="queued", progress=0, attempts=0)
    db.session.add(job)
    db.session.flush()
    return job


def start_once(kind: str, params: dict, user_id: int) -> tuple[Job, bool]:
    """(the job of `kind` already queued or running, False), else (a new one, True): added and flushed; the caller
    commits, then dispatch()es a new one. A job silent for JOB_STALE_SECONDS (its process died) holds nothing."""
    alive = utcnow() - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    found = db.session.scalar(db.select(Job).where(Job.kind == kind, db.or_(
        db.and_(Job.state == "queued", Job.created_at >= alive),
        db.and_(Job.state == "running", Job.heartbeat_at >= alive))).order_by(Job.id).limit(1))
    return (found, False) if found else (create(kind, params, user_id), True)


def locale() -> str:
    """The asking user's language (a command or a test has none: Indonesian, the app's first)."""
    return str(get_locale() or "id") if has_request_context() else "id"


def redis_url() -> str | None:
    return current_app.config.get("JOBS_REDIS_URL")


def rq_queue():
    from redis import Redis
    from rq import Queue
    return Queue(QUEUE, connection=Redis.from_url(redis_url()))


def dispatch(job_id: int) -> None:
    """Hand a committed job to the workers (RQ) or to a thread of this process."""
    if redis_url():
        from rq import Retry
        rq_queue().enqueue("outreach.worker.perform", job_id, job_id=f"outreach-job-{job_id}",
                           job_timeout=current_app.config["JOB_TIMEOUT"], retry=Retry(max=2, interval=[30, 120]),
                           failure_ttl=86400, result_ttl=3600)
        return
    app = current_app._get_current_object()
    runner = app.extensions["outreach_job_runner"]  # outreach/worker.py's, set by the factory
    thread = threading.Thread(target=runner, args=(app, job_id), name=f"job-{job_id}", daemon=True)
    app.extensions.setdefault("outreach_job_threads", []).append(thread)
    thread.start()


def wait(app, timeout: float | None = 60) -> None:
    """Wait for this process's job threads (tests, the `demo` command's exit)."""
    for thread in list(app.extensions.get("outreach_job_threads", [])):
        thread.join(timeout)
    app.extensions["outreach_job_threads"] = [t for t in app.extensions.get("outreach_job_threads", []) if t.is_alive()]


class ChunkWriter:
    """Writes a job's file into job_chunks as it grows; gzip=True keeps it as one gzip stream."""

    def __init__(self, job_id: int, gzip: bool):
        self.job_id, self.seq, self.buffer = job_id, 0, bytearray()
        self.packer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31) if gzip else None

    def write(self, data: bytes) -> None:
        self.buffer += self.packer.compress(data) if self.packer else data
        if len(self.buffer) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            db.session.add(JobChunk(job_id=self.job_id, seq=self.seq, data=bytes(self.buffer)))
            self.seq += 1
            self.buffer = bytearray()

    def close(self) -> None:
        if self.packer:
            self.buffer += self.packer.flush()
        self.flush()


def chunks(job_id: int):
    """The file's pieces in order, one query each (a file of hundreds of MB is never in memory whole)."""
    seq = 0
    while (data := db.session.scalar(db.select(JobChunk.data).where(JobChunk.job_id == job_id,
                                                                    JobChunk.seq == seq))) is not None:
        yield data
        seq += 1


def forget_old(now, days: int = 1, dry_run: bool = False) -> int:
    """Delete finished jobs (and their files: exports hold personal data) older than `days`, and any job still
    unfinished after twice that (its thread died with its app process); how many."""
    old = db.select(Job.id).where(db.or_(
        db.and_(Job.state.in_(("done", "failed")), Job.finished_at < now - timedelta(days=days)),
        db.and_(Job.state.in_(("queued", "running")), Job.created_at < now - timedelta(days=2 * days))))
    ids = list(db.session.scalars(old))
    if ids and not dry_run:
        db.session.execute(db.delete(JobChunk).where(JobChunk.job_id.in_(ids)))
        db.session.execute(db.delete(Job).where(Job.id.in_(ids)))
    return len(ids)
