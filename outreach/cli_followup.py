"""Flask commands of the follow-up: `cohort import` (a funder's member list) and `messages send` (the queue)."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.models import Programme, User
from outreach.models.types import utcnow
from outreach.services import cohort_import, gateway, messages, review
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
    query = db.select(User).where(User.role == "admin", User.active.is_(True))
    user = db.session.scalar(query.where(User.username == username) if username else query.order_by(User.id))
    if user is None:
        raise click.ClickException("an active admin account is needed (--user USERNAME)")
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
@click.option("--limit", default=500, show_default=True, help="Messages sent at most in this run.")
@click.option("--queue-only", is_flag=True, help="Queue what is due; send nothing.")
def messages_send(limit, queue_only):
    """Queue the messages due today, then send the queued ones through the gateway (for cron or a systemd timer).

    Prints counts only, never who."""
    cfg = current_app.config
    gw = gateway.from_config(cfg)
    if gw is None and not queue_only:
        raise click.ClickException("MESSAGE_GATEWAY_URL is not set: nothing can be sent (use --queue-only to queue)")
    if not cfg.get("PUBLIC_BASE_URL"):
        raise click.ClickException("PUBLIC_BASE_URL must be set: messages carry the status link")
    with current_app.test_request_context("/"):
        made = messages.enqueue(local_today())
        db.session.commit()
    click.echo("queued: " + ", ".join(f"{event} {n}" for event, n in made.items()))
    if queue_only:
        return
    states = {"sent": 0, "queued": 0, "failed": 0}
    while sum(states.values()) < limit:
        now = utcnow()
        batch = messages.claim_due(now, min(100, limit - sum(states.values())))
        db.session.commit()  # the claim, before anything leaves
        if not batch:
            break
        for message_id in batch:
            state = messages.deliver(message_id, gw, utcnow(), cfg["MESSAGE_MAX_ATTEMPTS"], cfg["MESSAGE_RETRY_SECONDS"])
            db.session.commit()  # each message's fate at once: a crash never sends one twice
            states[state] += 1
    click.echo(f"sent {states['sent']}, to retry {states['queued']}, failed {states['failed']}")


def init_app(app) -> None:
    app.cli.add_command(cohort_cli)
    app.cli.add_command(messages_cli)
