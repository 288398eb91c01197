"""The timers' routine work, automatic messages and retention, as jobs (services/jobs.py KINDS `send_messages`
and `retention`): the same code as `flask messages send` and `flask retention run`, started by an admin's button
or by either command with `--job`. One of each kind at a time (jobs.start_once); any admin sees them on
/tugas/<id> (a summary of counts, never who, and no file).

Commits are the worker's, through `report`: each message's claim before it leaves and its fate right after
(messages.send_due); a retention run's erasures all at once, with the job's end."""
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from outreach.domain.clock import local_today
from outreach.models.types import utcnow
from outreach.services import erasure, jobs, kpj_import, messages
from outreach.services.jobs import JobFailed

SEND_LIMIT = 500  # messages sent at most by one run (`messages send --limit`)


def send_messages(job, report) -> dict:
    """Queue what is due today and send it: {"queued": {event: n}, "sent", "to_retry", "failed"}."""
    cfg = current_app.config
    queue_only = bool(job.params.get("queue_only"))
    missing = messages.missing_setting(cfg, queue_only)
    if missing == "gateway":
        raise JobFailed(_("Gateway pesan belum diatur (MESSAGE_GATEWAY_URL): tidak ada pesan yang dikirim. "
                          "Minta pengelola server mengaturnya."))
    if missing == "public_url":
        raise JobFailed(_("Alamat publik aplikasi (PUBLIC_BASE_URL) belum diatur: pesan memuat tautan status, "
                          "jadi tidak ada pesan yang dikirim. Minta pengelola server mengaturnya."))
    return messages.send_due(cfg, local_today(), int(job.params.get("limit") or SEND_LIMIT), queue_only, report)


def retention(job, report) -> dict:
    """Erase what is due, in one transaction that the job's end commits (no report in between)."""
    return run_retention(dry_run=False)


def run_retention(dry_run: bool) -> dict:
    """Registrations past their retention, previewed import files older than a day, and finished jobs with their
    files (an export holds personal data): {"erased": {status it had: n}, "files": n, "jobs": n}, counts only.
    The caller commits (every erasure of the run at once)."""
    now, cfg, instance = utcnow(), current_app.config, Path(current_app.instance_path)
    counts = erasure.run_retention(now, erasure.settings(cfg), dry_run)
    files = kpj_import.forget_old_uploads(now, dry_run=dry_run)
    files += kpj_import.forget_legacy_files(instance / kpj_import.LEGACY_DIR, dry_run)
    files += kpj_import.forget_legacy_files(instance / kpj_import.LEGACY_COHORT_DIR, dry_run, "*.bin")
    finished = jobs.forget_old(now, dry_run=dry_run)
    return {"erased": dict(sorted(counts.items())), "files": files, "jobs": finished}
