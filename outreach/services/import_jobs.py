"""Imports applied as jobs (services/jobs.py) when the file has more than IMPORT_INLINE_ROWS rows: the previewed
file is read again from import_previews (the rows may have changed since the preview: they are checked again),
then applied in one transaction, all rows or none, exactly as the page does for a small file. Progress is shown
by phase (reading, applying): a commit inside the apply would break its all-or-nothing. After the commit the
worker folds the rows' count changes (jobs.FOLD_AFTER, services/counts.py)."""
from flask_babel import gettext as _

from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.models import Programme, User
from outreach.services import cohort_import, kpj_import, payment_import
from outreach.services.jobs import JobFailed
from outreach.services.review import Refused


def kpj(job, report) -> dict:
    user = db.session.get(User, job.user_id)
    text = kpj_import.kept_upload(job.params["digest"], user)
    if text is None:
        raise JobFailed(lost())
    read = kpj_import.read_kpj_csv(text, user)
    report(0, len(read.rows))
    if not read.ok:  # changed since the preview: say which rows, as the preview would
        raise JobFailed(changed(read.problems()))
    if not kpj_import.drop_upload(job.params["digest"], user):  # claimed: applied once, committed with the rows
        raise JobFailed(_("Berkas ini sudah diterapkan atau dibatalkan."))
    try:
        n = kpj_import.apply_kpj_import(read.rows, user)
    except Refused as refusal:
        raise JobFailed(" ".join(refusal.messages)) from None
    return {"applied": n}


def cohort(job, report) -> dict:
    user = db.session.get(User, job.user_id)
    programme = db.session.get(Programme, job.params["programme"])
    kept = cohort_import.kept_upload(job.params["digest"], user)
    if kept is None or programme is None:
        raise JobFailed(lost())
    rows = cohort_import.read(kept[0], kept[1], programme, local_today())
    report(0, len(rows))
    if not kpj_import.drop_upload(job.params["digest"], user, cohort_import.KIND):  # claimed: applied once
        raise JobFailed(_("Berkas ini sudah diterapkan atau dibatalkan."))
    try:
        counts = cohort_import.apply(rows, programme, user, local_today())
    except Refused as refusal:
        raise JobFailed(" ".join(refusal.messages)) from None
    return counts


def payments_preview(job, report) -> dict:
    """Every row of a large payment file checked (nothing written): the summary, the problems by kind with their
    lines, and whether it may be applied (/tugas/<id> then offers the confirmation)."""
    user = db.session.get(User, job.user_id)
    text = kpj_import.kept_upload(job.params["digest"], user, payment_import.KIND)
    if text is None:
        raise JobFailed(lost())
    try:
        read = payment_import.read_payment_csv(text, user)
    except ValueError as problem:
        raise JobFailed(str(problem)) from None
    summary = read.summary()
    summary["mismatched"] = len(summary["mismatched"])
    if not read.ok:
        kpj_import.drop_upload(job.params["digest"], user, payment_import.KIND)
    return summary | {"ready": read.ok, "digest": job.params["digest"] if read.ok else None,
                      "problems": [[words, lines[:30], len(lines)] for words, lines in read.problems()]}


def payments(job, report) -> dict:
    """A large payment file applied: read and checked again (the ledger may have moved since the preview), then
    written all together or not at all."""
    user = db.session.get(User, job.user_id)
    text = kpj_import.kept_upload(job.params["digest"], user, payment_import.KIND)
    if text is None:
        raise JobFailed(lost())
    read = payment_import.read_payment_csv(text, user)
    report(0, len(read.rows))
    if not read.ok:
        raise JobFailed(changed(read.problems()))
    if not kpj_import.drop_upload(job.params["digest"], user, payment_import.KIND):  # claimed: applied once
        raise JobFailed(_("Berkas ini sudah diterapkan atau dibatalkan."))
    done = payment_import.apply_payments(read, user)
    return {"rows": done["rows"], "new": done["new"], "already": done["already"], "amount": done["total"]}


def changed(problems) -> str:
    found = "; ".join(_("%(problem)s: baris %(lines)s", problem=words, lines=", ".join(map(str, lines[:20])))
                      for words, lines in problems)
    return _("Sejak diperiksa, ada baris yang berubah: %(found)s. Tidak ada yang diterapkan; periksa berkasnya "
             "sekali lagi.", found=found)


def lost() -> str:
    return _("Berkas yang diperiksa tidak ditemukan lagi (lebih dari sehari?); pilih berkasnya sekali lagi.")
