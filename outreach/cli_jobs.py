"""`flask --app outreach jobs worker`: runs the long work (services/jobs.py) from Redis (JOBS_REDIS_URL) with RQ;
`jobs requeue`: puts back jobs a dead worker left running, or that were queued while no worker ran."""
import click
from flask import current_app
from flask.cli import AppGroup

from outreach import worker
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


def init_app(app) -> None:
    app.cli.add_command(jobs_cli)
