"""Follow-up: the lists of workers to contact, a worker's contact log and form, messages from the officer's
phone, a visit's list for use without signal, the contact log's export, and for admins the cohort import and
the automatic messages sent now (a job, as `flask messages send --job`)."""
from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from outreach import audit
from outreach.domain import followup as rules
from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.followup.forms import CohortForm, ContactForm, MessageForm
from outreach.inputs import as_int
from outreach.models import Programme, Registration, User, Visit
from outreach.security import rerender_on_csrf_error, role_required
from outreach.services import cohort_import, contacts, followup, jobs, messages, registrations, review, worklist
from outreach.services.regions import village_choices

bp = Blueprint("followup", __name__)
STAFF = ("officer", "coordinator", "admin")


def me() -> User:
    return current_user._get_current_object()


def followable(number: str) -> Registration:
    """The registration by number, for a user who may follow it up (the 403 is audited, as for any page)."""
    r = db.session.scalar(db.select(Registration).where(Registration.number == number)) or abort(404)
    if not contacts.may_follow_up(me(), r):
        g.refused_attempt = {"registration_id": r.id, "kecamatan_code": r.kecamatan_code, "attempt": request.endpoint}
        abort(403)
    return r


def filters():
    """The list's filters from the query string, held to the user's kecamatan (services.followup.scope_for)."""
    village = request.args.get("desa") or None
    officer = as_int(request.args.get("petugas")) if not current_user.has_role("officer") else None
    programme = as_int(request.args.get("program"))
    if current_user.has_role("officer") and village is None and "desa" not in request.args:
        visits = worklist.open_visits(current_user.id, limit=1)
        village = visits[0].village_code if visits else None  # the desa of the visit in progress
    return followup.scope_for(me(), village=village, officer_id=officer, programme_id=programme)


@bp.get("/tindak-lanjut")
@role_required(*STAFF)
def lists():
    today = local_today()
    scope = filters()
    programmes = followup.ending_programmes(today)
    counts = followup.counts(scope, today, programmes)
    name = request.args.get("daftar")
    if name not in rules.LISTS:
        name = next((n for n in rules.LISTS if counts[n]), rules.LISTS[0])
    rows, after = [], None
    if scope.village or not current_user.has_role("officer"):  # officers work a desa at a time
        found, after = followup.page(name, scope, today, request.args.get("after"), programmes=programmes)
        rows = followup.describe(found, today)
    officers = [] if current_user.has_role("officer") else db.session.scalars(
        db.select(User).where(User.role == "officer", User.kecamatan_code == scope.kecamatan if scope.kecamatan
                              else User.kecamatan_code.is_not(None)).order_by(User.full_name)).all()
    return render_template("followup/lists.html", counts=counts, name=name, rows=rows, after=after, scope=scope,
                           villages=village_choices(scope.kecamatan), officers=officers,
                           programmes=db.session.scalars(db.select(Programme).order_by(Programme.id)).all(),
                           today=today)


def worker_page(r: Registration, form: ContactForm, status: int = 200):
    today = local_today()
    name = followup.which_list(r, today)
    event = messages.event_for(r, today, name)
    text = messages.render(event, r, today, db.session.get(Programme, r.programme_id) if r.programme_id else None) \
        if event else None
    row = followup.describe([r], today)[0] if r.status == "active" else None
    held = contacts.needs_consent(r)  # imported: no message, even from the officer's phone, before consent
    return render_template("followup/worker.html", r=r, form=form, list_name=name, row=row, event=event, text=text,
                           links=messages.phone_links(r, text) if text and not held else {},
                           message_form=MessageForm(event=event), history=contacts.history(r), needs_consent=held), status


@bp.route("/tindak-lanjut/pekerja/<number>", methods=["GET", "POST"])
@role_required(*STAFF)
@rerender_on_csrf_error
def worker(number: str):
    r = followable(number)
    if r.officer_id != current_user.id:
        audit.record("view", r, page=request.endpoint)
    form = ContactForm()
    if request.method == "GET":
        form.client_id.data = registrations.new_client_id()
        db.session.commit()  # the audited look
        return worker_page(r, form)
    if form.validate_on_submit():
        client_id = registrations.canonical_client_id(form.client_id.data) or registrations.new_client_id()
        logged = contacts.log(r, me(), form.raw(), client_id, local_today())
        if logged.kind in ("created", "saved"):
            db.session.commit()
            flash(_("Kontak dicatat: %(outcome)s.", outcome=rules_label(logged.contact.outcome)), "success")
            return redirect(request.args.get("kembali") == "daftar" and url_for("followup.lists") or
                            url_for("followup.worker", number=number))
        for name, problems in logged.errors.items():
            getattr(form, name, form.note).errors = list(problems)
        if logged.kind == "client_id_taken":
            form.client_id.data = registrations.new_client_id()
    db.session.commit()
    return worker_page(r, form, 422)


def rules_label(outcome: str) -> str:
    from outreach.labels import OUTCOMES
    return str(OUTCOMES.get(outcome, outcome))


@bp.post("/tindak-lanjut/pekerja/<number>/pesan")
@role_required(*STAFF)
def send_message(number: str):
    """Without JavaScript: log the message as a contact, then open WhatsApp or the SMS app with its text (with
    JavaScript the page queues the contact in the outbox, so it works without signal too)."""
    r = followable(number)
    form = MessageForm()
    channel = "whatsapp" if form.whatsapp.data else "sms"
    today = local_today()
    event = messages.event_for(r, today, followup.which_list(r, today))
    if not form.validate_on_submit() or event is None or not r.phone or contacts.needs_consent(r):
        return redirect(url_for("followup.worker", number=number))
    text = messages.render(event, r, today, db.session.get(Programme, r.programme_id) if r.programme_id else None)
    contacts.log(r, me(), {"channel": channel, "outcome": "other", "event": event}, registrations.new_client_id(),
                 today)
    db.session.commit()
    return redirect(messages.phone_links(r, text)[channel])


@bp.post("/tindak-lanjut/kirim-pesan")
@role_required("admin")
def send_due_messages():
    """Queue and send the automatic messages due now, without waiting for the timer: the job of that kind already
    under way, else a new one (services/routines.py)."""
    job, new = jobs.start_once("send_messages", {}, current_user.id)
    db.session.commit()
    if new:
        jobs.dispatch(job.id)
    return redirect(url_for("tasks.show", job_id=job.id))


@bp.get("/kunjungan/<int:visit_id>/tindak-lanjut")
@role_required("officer")
def visit_list(visit_id: int):
    """A desa's follow-up list for a renewal visit: kept on the phone with the visit (sw.js), so contacts can be
    logged without signal (outbox-contact.js puts them in the device outbox)."""
    visit = db.session.get(Visit, visit_id) or abort(404)
    if visit.officer_id != current_user.id:
        abort(403)
    today = local_today()
    scope = followup.scope_for(me(), village=visit.village_code)
    sections = [(name, followup.describe(followup.page(name, scope, today, size=50)[0], today)) for name in rules.LISTS]
    form = ContactForm(channel="visit")
    return render_template("followup/visit.html", visit=visit, sections=sections, form=form, today=today)


@bp.get("/tindak-lanjut/kontak.csv")
@role_required("coordinator", "admin")
def export_contacts():
    """The contact log of the user's area, streamed, audited before the first byte."""
    lines = contacts.export_rows(me())
    audit.record("export", kecamatan_code=current_user.kecamatan_code, format="csv", filter={"kontak": "ya"})
    db.session.commit()
    name = f"kontak-tindak-lanjut-{local_today().strftime('%Y%m%d')}.csv"
    return Response(stream_with_context(lines), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/admin/impor-kohort", methods=["GET", "POST"])
@role_required("admin")
def cohort():
    """A funder's member list as registrations and programme payments: preview every row, then all or nothing."""
    form = CohortForm()
    programmes = db.session.scalars(db.select(Programme).order_by(Programme.id)).all()
    form.programme.choices = [(str(p.id), p.name) for p in programmes]
    rows, error, status, programme = None, None, 200, None
    if form.validate_on_submit() and form.cancel.data:
        cohort_import.drop_upload(form.digest.data, me())
        db.session.commit()
        flash(_("Impor dibatalkan; berkas yang diperiksa sudah dihapus dari server."), "info")
        return redirect(url_for("followup.cohort"))
    if form.validate_on_submit():
        programme = db.session.get(Programme, as_int(form.programme.data) or 0)
        raw, filename, digest = None, "", None
        if form.file.data:
            raw, filename = form.file.data.read(cohort_import.MAX_BYTES + 1), form.file.data.filename or ""
        elif form.apply.data and (kept := cohort_import.kept_upload(form.digest.data, me())):
            (raw, filename), digest = kept, form.digest.data
        if programme is None:
            error = _("Pilih program yang membayar.")
        elif not raw:
            error = _("Pilih berkas CSV atau XLSX.")
        else:
            try:
                rows = cohort_import.read(raw, filename, programme, local_today())
            except ValueError as problem:
                error = str(problem)
        if rows and digest and form.apply.data and all(row.ok for row in rows) and \
                len(rows) > current_app.config["IMPORT_INLINE_ROWS"]:  # too long for one request
            job = jobs.create("import_cohort", {"digest": digest, "programme": programme.id}, me().id,
                              total=len(rows))
            db.session.commit()
            jobs.dispatch(job.id)
            return redirect(url_for("tasks.show", job_id=job.id))
        if rows and digest and form.apply.data:
            try:
                counts = cohort_import.apply(rows, programme, me(), local_today())
            except review.Refused as refusal:  # rolled back: the rows shown again with the reason
                db.session.rollback()
                error = " ".join(refusal.messages)
                rows = cohort_import.read(raw, filename, programme, local_today())
            else:
                cohort_import.drop_upload(digest, me())
                db.session.commit()
                flash(_("Impor selesai: %(new)s pendaftaran baru, %(matched)s dicocokkan, %(already)s sudah ada.",
                        **counts), "success")
                return redirect(url_for("followup.lists", program=programme.id))
        if rows and all(row.ok for row in rows):
            form.digest.data = digest or cohort_import.keep_upload(raw, filename, me())
        elif digest:
            cohort_import.drop_upload(digest, me())
        db.session.commit()  # the kept preview (import_previews), or its removal
        status = 422 if error else 200
    return render_template("followup/cohort.html", form=form, rows=rows, error=error, programme=programme,
                           programmes=programmes), status
