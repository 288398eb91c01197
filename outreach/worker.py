"""Runs the jobs of services/jobs.py: the RQ entry point (`perform`, given the app by `flask --app outreach jobs
worker`, or made here for a bare `rq worker`) and the thread of the embedded default (`run_in`).

`run` claims a job with one UPDATE (queued, or running with no heartbeat for JOB_STALE_SECONDS: its worker died),
so that two workers never run it at once, then calls its handler. A retried or restarted job starts again from
the beginning: an export rewrites its file; an import is one transaction, applied whole or not at all, and a done
job is never claimed again, so nothing is doubled. Like a view or a command, this is where commits happen: the
handler's progress (`report`) and its result with the job's end.
"""
import importlib
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale

from outreach.extensions import db
from outreach.models import Job, JobChunk
from outreach.models.types import utcnow
from outreach.services import counts, jobs
from outreach.services.jobs import JobFailed, redis_url

APP = None


def perform(job_id: int) -> None:
    global APP
    if APP is None:
        from outreach import create_app
        APP = create_app()
    with APP.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


def run_in(app, job_id: int) -> None:
    with app.app_context():
        try:
            run(job_id)
        except Exception:  # recorded on the job by perform(); a thread has nobody to raise to
            app.logger.exception("job %s failed", job_id)
        finally:
            db.session.remove()


def claim(job_id: int) -> bool:
    now = utcnow()
    stale = now - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    done = db.session.execute(db.update(Job).where(
        Job.id == job_id, (Job.state == "queued") | ((Job.state == "running") & (Job.heartbeat_at < stale)))
        .values(state="running", attempts=Job.attempts + 1, started_at=now, heartbeat_at=now, progress=0,
                error=None))
    db.session.commit()
    return done.rowcount == 1


def run(job_id: int) -> None:
    """Run one job if it is free to run; a job done, failed or running elsewhere is left as it is."""
    if not claim(job_id):
        return
    job = db.session.get(Job, job_id)
    kind = job.kind
    db.session.execute(db.delete(JobChunk).where(JobChunk.job_id == job_id))  # an earlier attempt's file
    db.session.commit()
    module, name = jobs.KINDS[kind].split(":")
    handler = getattr(importlib.import_module(module), name)

    def report(progress: int, total: int | None = None) -> None:
        values = {"progress": progress, "heartbeat_at": utcnow()} | ({"total": total} if total is not None else {})
        db.session.execute(db.update(Job).where(Job.id == job_id).values(**values))
        db.session.commit()
    try:
        with force_locale(job.params.get("locale") or "id"):  # the words of the user who started it
            summary = handler(job, report)
    except JobFailed as failure:
        db.session.rollback()
        finish(job_id, "failed", error=str(failure))
        return
    except Exception:
        db.session.rollback()
        attempts = db.session.get(Job, job_id).attempts
        if not redis_url() or attempts > 2:  # RQ retries twice; a thread does not
            finish(job_id, "failed", error="internal")
        else:
            db.session.execute(db.update(Job).where(Job.id == job_id).values(state="queued"))
            db.session.commit()
        raise
    finish(job_id, "done", summary=summary)
    if kind in jobs.FOLD_AFTER:
        counts.fold()  # after the commit, in a transaction of its own


def finish(job_id: int, state: str, summary: dict | None = None, error: str | None = None) -> None:
    job = db.session.get(Job, job_id)
    job.state, job.summary, job.error, job.finished_at = state, summary, error, utcnow()
    job.params = {"locale": job.params.get("locale")}  # what it was asked (a search typed) is not kept after
    if state == "done" and job.total is not None:
        job.progress = job.total
    db.session.commit()


def requeue_stale() -> list[int]:
    """Jobs left running by a worker that died, or queued while no worker ran: back on the queue (the claim
    decides who runs them). Run by `flask jobs worker` as it starts."""
    stale = utcnow() - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    ids = list(db.session.scalars(db.select(Job.id).where(
        (Job.state == "queued") | ((Job.state == "running") & (Job.heartbeat_at < stale)))))
    for job_id in ids:
        jobs.dispatch(job_id)
    return ids


