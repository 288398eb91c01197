"""`flask payments import FILE [--dry-run]`: the branch's payment file from a shell, as /bayar/impor does it
(services.payment_import): every row checked, then all applied or none; a payment already recorded is skipped."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from outreach.cli_jobs import an_admin
from outreach.extensions import db
from outreach.services import payment_import, review
from outreach.services.kpj_import import decode_upload

payments_cli = AppGroup("payments", help="Contribution payments.")


@payments_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and print the summary; change nothing.")
@click.option("--user", "username", help="The admin recorded as importing (default: the first active admin).")
def import_command(file, dry_run, username):
    """Import FILE (CSV: NIK or KPJ, first month + months or paid until, amount, paid date, channel)."""
    user = an_admin(username)
    if file.stat().st_size > payment_import.MAX_IMPORT_BYTES:
        raise click.ClickException("file larger than 9 MB: split it")
    with current_app.test_request_context("/"):  # the row messages in the default language
        try:
            read = payment_import.read_payment_csv(decode_upload(file.read_bytes()), user)
        except ValueError as problem:
            raise click.ClickException(str(problem)) from None
        for words, lines in read.problems():  # lines only: a row's NIK stays out of the terminal's scrollback
            more = ", ..." if len(lines) > 20 else ""
            click.echo(f"{words}: {len(lines)} rows (lines {', '.join(map(str, lines[:20]))}{more})")
        summary = read.summary()
        if not read.ok:
            raise click.ClickException(f"{summary['failing']} of {summary['rows']} rows have problems: nothing imported")
        click.echo(f"{summary['new']} new payments ({summary['total']} Rupiah), {summary['already']} already "
                   f"recorded, {len(summary['mismatched'])} amounts unlike the rule")
        if dry_run:
            click.echo("dry run: nothing imported")
            return
        try:
            payment_import.apply_payments(read, user)
        except review.Refused as refusal:
            db.session.rollback()
            raise click.ClickException(" ".join(refusal.messages)) from None
        db.session.commit()
        click.echo(f"imported: {summary['new']} payments")


def init_app(app) -> None:
    app.cli.add_command(payments_cli)
