"""`flask --app outreach jobs worker`: runs the long work (services/jobs.py) from Redis (JOBS_REDIS_URL) with RQ;
`jobs requeue`: puts back jobs a dead worker left running, or that were queued while no worker ran. Also what the
commands that act as an admin or start a job (`--job`) share."""
import click
from flask import current_app
from flask.cli import AppGroup

from outreach import worker
from outreach.extensions import db
from outreach.models import Job, User
from outreach.services import jobs

jobs_cli = AppGroup("jobs", help="Long work outside requests (exports, imports) on RQ.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty (tests, a one-off catch-up).")
def worker_command(burst):
    """Run an RQ worker for this app (as many as you like, on any server that reaches Redis and the database)."""
    if not jobs.redis_url():
        raise click.ClickException("JOBS_REDIS_URL is not set: jobs run on a thread of the app's process, "
                                   "no worker is needed.")
    from rq import Worker
    worker.APP = current_app._get_current_object()
    again = worker.requeue_stale()
    if again:
        click.echo(f"put back on the queue: {len(again)} job(s)")
    queue = jobs.rq_queue()
    Worker([queue], connection=queue.connection).work(burst=burst, with_scheduler=not burst)


@jobs_cli.command("requeue")
def requeue_command():
    """Put back on the queue the jobs left running by a worker that died (silent for JOB_STALE_SECONDS)."""
    if not jobs.redis_url():
        raise click.ClickException("JOBS_REDIS_URL is not set: a job of the embedded default runs on a thread of "
                                   "the app's process, and this command's process would end before it.")
    click.echo(f"put back on the queue: {len(worker.requeue_stale())} job(s)")


def an_admin(username: str | None) -> User:
    """The admin a command acts as: `--user USERNAME`, else the first active admin."""
    query = db.select(User).where(User.role == "admin", User.active.is_(True))
    user = db.session.scalar(query.where(User.username == username) if username else query.order_by(User.id))
    if user is None:
        raise click.ClickException("an active admin account is needed (--user USERNAME)")
    return user


def run_as_job(kind: str, params: dict, username: str | None) -> dict | None:
    """`--job`: a job of `kind` as the admin (or the one already queued or running: one at a time). With
    JOBS_REDIS_URL it goes to the workers and its id is printed on the last line (None returned); without, it
    runs on a thread of this process, and its summary is returned once done."""
    job, new = jobs.start_once(kind, params, an_admin(username).id)
    db.session.commit()
    if not new:
        click.echo(f"a {kind} job is already queued or running: /tugas/{job.id}")
        click.echo(str(job.id))
        return None
    jobs.dispatch(job.id)
    if jobs.redis_url():
        click.echo(f"queued for the workers: /tugas/{job.id}")
        click.echo(str(job.id))
        return None
    jobs.wait(current_app._get_current_object(), timeout=None)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    if job.state != "done":
        raise click.ClickException(f"job {job.id} {job.state}: {job.error or ''}")
    return job.summary


def init_app(app) -> None:
    app.cli.add_command(jobs_cli)
