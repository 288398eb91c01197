"""Flask commands of the follow-up: `cohort import` (a funder's member list) and `messages send` (the queue; with
`--job`, as the job an admin's button starts)."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from outreach.cli_jobs import an_admin, run_as_job
from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.models import Programme
from outreach.services import cohort_import, messages, review, routines
from outreach.services import counts as kept_counts

cohort_cli = AppGroup("cohort", help="Funders' member lists (cohorts) as registrations.")
messages_cli = AppGroup("messages", help="Automatic messages to workers.")


@cohort_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--programme", "programme_id", type=int, required=True, help="The programme that paid (its id).")
@click.option("--dry-run", is_flag=True, help="Check and show every row; change nothing.")
@click.option("--user", "username", help="The admin recorded as importing (default: the first active admin).")
def cohort_import_command(file, programme_id, dry_run, username):
    """Import FILE (CSV or XLSX: NIK, name, birth date, desa, KPJ, months paid): all rows or none."""
    with current_app.test_request_context("/"):  # the row messages are worded in the default language
        import_file(file, programme_id, dry_run, username)


def import_file(file, programme_id, dry_run, username):
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise click.ClickException(f"no programme {programme_id}")
    user = an_admin(username)
    try:
        rows = cohort_import.read(file.read_bytes(), file.name, programme, local_today())
    except ValueError as problem:
        raise click.ClickException(str(problem)) from None
    for row in rows:
        what = "; ".join(row.problems) if not row.ok else {
            "new": "new registration", "already": "already imported, skipped"}.get(
            row.outcome, f"matched {row.existing.number if row.existing else ''}")
        click.echo(f"line {row.line}: {row.masked_name or '-'} {row.kpj or '-'}: {what}")
    failing = [row for row in rows if not row.ok]
    if failing:
        raise click.ClickException(f"{len(failing)} of {len(rows)} rows have problems: nothing imported")
    if dry_run:
        click.echo(f"dry run: {len(rows)} rows ready, nothing imported")
        return
    try:
        counts = cohort_import.apply(rows, programme, user, local_today())
    except review.Refused as refusal:
        db.session.rollback()
        raise click.ClickException(" ".join(refusal.messages)) from None
    db.session.commit()
    kept_counts.fold()  # the rows' count changes (services/counts.py), in a transaction of its own
    click.echo("imported: {new} new, {matched} matched, {already} already there".format(**counts))


@messages_cli.command("send")
@click.option("--limit", default=routines.SEND_LIMIT, show_default=True, help="Messages sent at most in this run.")
@click.option("--queue-only", is_flag=True, help="Queue what is due; send nothing.")
@click.option("--job", "as_job", is_flag=True, help="As a job (/tugas/<id>): on the RQ workers with JOBS_REDIS_URL "
              "(its id printed last), else here, waited for.")
@click.option("--user", "username", help="With --job: the admin who starts it (default: the first active admin).")
def messages_send(limit, queue_only, as_job, username):
    """Queue the messages due today, then send the queued ones through the gateway (for cron or a systemd timer).

    Prints counts only, never who."""
    if as_job:
        summary = run_as_job("send_messages", {"limit": limit, "queue_only": queue_only}, username)
    else:
        cfg = current_app.config
        missing = messages.missing_setting(cfg, queue_only)
        if missing:
            raise click.ClickException({
                "gateway": "MESSAGE_GATEWAY_URL is not set: nothing can be sent (use --queue-only to queue)",
                "public_url": "PUBLIC_BASE_URL must be set: messages carry the status link"}[missing])
        summary = messages.send_due(cfg, local_today(), limit, queue_only, lambda *progress: db.session.commit())
    if summary is not None:
        click.echo("queued: " + ", ".join(f"{event} {n}" for event, n in summary["queued"].items()))
        if "sent" in summary:
            click.echo("sent {sent}, to retry {to_retry}, failed {failed}".format(**summary))


def init_app(app) -> None:
    app.cli.add_command(cohort_cli)
    app.cli.add_command(messages_cli)
