"""The coordinators' pages: the queue, a registration's review, KPJ import, exports, audit trail."""
import re
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from outreach import audit, district, labels, uploads
from outreach.domain import codes, workflow
from outreach.domain.clock import local_midnight
from outreach.domain.occupations import CODES as OCCUPATIONS
from outreach.extensions import db
from outreach.inputs import as_date, as_int
from outreach.models import AuditEvent, Region, Registration, User
from outreach.review.forms import KpjCorrectionForm, KpjImportForm, RevealForm, TransitionForm, transition_form
from outreach.replica import reads_from_replica
from outreach.security import rerender_on_csrf_error, role_required, safe_next
from outreach.services import export_jobs, exports, jobs, payments, review
from outreach.services import kpj_import as kpj_file  # the view below is kpj_import
from outreach.services.queue import (FLAG_FILTERS, PROTECTION_STATES, Filters, apply_filters, counts_by_status, page,
                                     parse_cursor)
from outreach.services.access import registration_for, visible_to
from outreach.services.regions import village_choices

bp = Blueprint("review", __name__)
PAGE = 50
ALL = "all"  # the queue's "Semua" tab: every status, chosen explicitly (no status opens on the work)
KECAMATAN_CODE = re.compile(r"\d\d\.\d\d\.\d\d", re.ASCII)
DESA_CODE = re.compile(r"\d\d\.\d\d\.\d\d\.\d{4}", re.ASCII)


def district_code(pattern: re.Pattern, value: str | None) -> str | None:
    """A kecamatan or desa code of the district, else None: anything else would be stored as-is in an
    export's audit event."""
    return value if pattern.fullmatch(value or "") and district.current().contains(value) else None


def me() -> User:
    return current_user._get_current_object()


def filters_from(args) -> Filters:
    f = Filters(
        status=args.get("status") if args.get("status") in workflow.STATUSES else None,
        kecamatan=district_code(KECAMATAN_CODE, args.get("kecamatan")),
        desa=district_code(DESA_CODE, args.get("desa")),
        occupation=args.get("occupation") if args.get("occupation") in OCCUPATIONS else None,
        officer=as_int(args.get("officer")), funding=args.get("funding") if args.get("funding") in codes.FUNDING else None,
        date_from=as_date(args.get("from")), date_to=as_date(args.get("to")),
        flag=args.get("flag") if args.get("flag") in FLAG_FILTERS else None, q=(args.get("q") or "")[:60],
        protection=args.get("protection") if args.get("protection") in PROTECTION_STATES else None)
    if current_user.has_role("coordinator"):
        f.kecamatan = current_user.kecamatan_code  # a coordinator's queue is their kecamatan, whatever the URL says
    return f


def query_args(f: Filters) -> dict:
    """The filter as URL arguments (the names the queue's form uses)."""
    d = f.as_dict()
    for old, new in (("date_from", "from"), ("date_to", "to")):
        if old in d:
            d[new] = d.pop(old)
    return d


@bp.get("/tinjau")
@role_required("coordinator", "admin")
def queue():
    f = filters_from(request.args)
    if request.args.get("status") != ALL and not f.status:
        f.status = "pending"  # the queue opens on the work: what waits for verification
    newest_first = request.args.get("sort") != "oldest"
    rows, next_after = page(me(), f, parse_cursor(request.args.get("after")), newest_first, PAGE)
    kecamatan = Region.kecamatan_of_district()
    officers = db.session.scalars(db.select(User).where(User.role == "officer").order_by(User.full_name)
                                  .where(User.kecamatan_code == current_user.kecamatan_code
                                         if current_user.has_role("coordinator") else True)).all()
    args = query_args(f) | ({} if f.status else {"status": ALL})  # links keep "Semua" once chosen
    chosen = set(args) - {"status", "q"} - ({"kecamatan"} if current_user.has_role("coordinator") else set())
    bulk = {r.number: workflow.bulk_target(r.status, current_user.role) for r in rows}
    return render_template("review/queue.html", rows=rows, f=f, args=args, next_after=next_after,
                           filters_open=bool(chosen) or not newest_first, bulk=bulk,
                           bulk_targets=[t for t in workflow.BULK_TARGETS if t in bulk.values()],
                           newest_first=newest_first, counts=counts_by_status(me(), f),
                           kecamatan=kecamatan, villages=village_choices(f.kecamatan), officers=officers,
                           flags=FLAG_FILTERS, occupations=OCCUPATIONS)


@bp.post("/tinjau/massal")
@role_required("coordinator", "admin")
def bulk():
    form = TransitionForm()
    target = request.form.get("to")
    if not form.validate_on_submit() or target not in workflow.BULK_TARGETS:
        abort(400)
    done, refused = 0, []
    for number in request.form.getlist("number")[:500]:
        registration = db.session.scalar(db.select(Registration).where(Registration.number == number))
        if registration is None:
            continue
        try:
            review.transition(registration, target, me(), as_int(request.form.get(f"v-{number}")))
            db.session.commit()  # each row on its own: a refused one does not undo the others
            done += 1
        except review.Refused as refusal:
            db.session.rollback()
            refused.append(f"{number}: {refusal.messages[0]}")
    flash(_("%(n)s pendaftaran diproses.", n=done), "success")
    for line in refused:
        flash(line, "error")
    back = safe_next(request.form.get("back"), url_for("review.queue"))  # a CR/LF would break the Location
    return redirect(back if back.startswith("/tinjau") else url_for("review.queue"))


def render_detail(registration: Registration, nik_shown: bool = False, reveal_form=None, forms=None, status=200,
                  kpj_form=None):
    targets = workflow.allowed_targets(registration.status, current_user.role)
    forms = forms or {}
    for target in targets:
        forms.setdefault(target, transition_form(target, formdata=None, to=target, version=registration.version))
    if kpj_form is None and current_user.role in workflow.KPJ_CORRECTABLE.get(registration.status, ()):
        kpj_form = KpjCorrectionForm(prefix="fix", formdata=None, version=registration.version)
    lines = [] if registration.erased else payments.ledger(registration)
    return render_template("review/detail.html", r=registration, nik_shown=nik_shown, targets=targets, forms=forms,
                           reveal_form=reveal_form or RevealForm(formdata=None), kpj_form=kpj_form, ledger=lines,
                           protection=None if registration.erased else payments.protection_of(registration, lines=lines)
                           ), status


@bp.get("/tinjau/<number>")
@role_required("coordinator", "admin")
def detail(number: str):
    registration = registration_for(me(), number)
    db.session.commit()
    return render_detail(registration)


@bp.post("/tinjau/<number>/nik")
@role_required("coordinator", "admin")
@rerender_on_csrf_error
def reveal(number: str):
    registration = registration_for(me(), number, audited=False)
    form = RevealForm()
    if form.validate_on_submit() and not registration.erased:
        audit.record("reveal_nik", registration, purpose=form.purpose.data)
        db.session.commit()
        return render_detail(registration, nik_shown=True)
    # Refused (no valid reason given, or nothing left to reveal): that it was tried is a fact of the trail.
    audit.record("refused", registration, attempt="reveal_nik", why="erased" if registration.erased else "no_purpose")
    db.session.commit()
    return render_detail(registration, reveal_form=form, status=422)


@bp.post("/tinjau/<number>/status")
@role_required("coordinator", "admin")
def move(number: str):
    registration = registration_for(me(), number, audited=False)
    target = request.form.get("to")
    form = transition_form(target if target in workflow.STATUSES else "x")
    if not form.validate_on_submit():
        abort(400)
    try:
        review.transition(registration, target, me(), as_int(form.version.data), reason=form.reason.data or None,
                          note=form.note.data, kpj=form.kpj.data)
    except review.Refused as refusal:
        db.session.rollback()
        db.session.refresh(registration)
        if refusal.status == 403:
            audit.record("refused", registration, attempt="transition", to=target, why="forbidden")
            db.session.commit()
            abort(403)
        if refusal.status == 409:
            flash(refusal.messages[0], "error")  # the fresh state is on the page we send them back to
            return redirect(url_for("review.detail", number=number))
        # Each message next to its field (reason, note, KPJ); any other under the form's note.
        for name, messages in refusal.fields.items():
            form[name].errors = list(messages)
        placed = {m for messages in refusal.fields.values() for m in messages}
        form.note.errors = list(form.note.errors or []) + [m for m in refusal.messages if m not in placed]
        return render_detail(registration, forms={target: form}, status=422)
    db.session.commit()
    flash(_("Status %(number)s sekarang: %(status)s.", number=number, status=labels.STATUSES[target]), "success")
    return redirect(url_for("review.detail", number=number))


@bp.post("/tinjau/<number>/kpj")
@role_required("coordinator", "admin")
@rerender_on_csrf_error
def correct_kpj(number: str):
    registration = registration_for(me(), number, audited=False)
    form = KpjCorrectionForm(prefix="fix")
    if not form.validate_on_submit():
        return render_detail(registration, kpj_form=form, status=422)
    try:
        review.correct_kpj(registration, form.kpj.data, form.reason.data, me(), as_int(form.version.data))
    except review.Refused as refusal:
        db.session.rollback()
        db.session.refresh(registration)
        if refusal.status == 403:
            abort(403)
        if refusal.status == 409:
            flash(refusal.messages[0], "error")
            return redirect(url_for("review.detail", number=number))
        for name, messages in refusal.fields.items():
            form[name].errors = list(messages)
        return render_detail(registration, kpj_form=form, status=422)
    db.session.commit()
    flash(_("Nomor KPJ %(number)s dikoreksi.", number=number), "success")
    return redirect(url_for("review.detail", number=number))


@bp.route("/tinjau/kpj", methods=["GET", "POST"])
@role_required("coordinator", "admin")
@rerender_on_csrf_error
def kpj_import():
    form = KpjImportForm()
    read, error, status = None, None, 200
    if form.validate_on_submit() and form.cancel.data:
        uploads.cancel(form, me(), kpj_file.KIND)
        db.session.commit()
        flash(_("Impor dibatalkan; berkas yang diperiksa sudah dihapus dari server."), "info")
        return redirect(url_for("review.kpj_import"))
    if form.validate_on_submit():
        text, digest, error = uploads.chosen_text(form, me(), kpj_file.KIND, kpj_file.MAX_IMPORT_BYTES,
                                                  _("Berkas terlalu besar (paling besar 2 MB)."))
        if not error:
            try:
                read = kpj_file.read_kpj_csv(text, me())
            except ValueError as problem:
                error = str(problem)
            else:
                if not read.rows:
                    error = _("Berkas tidak punya baris data di bawah judul kolom.")
        if read is not None and read.ok and form.apply.data and digest and \
                len(read.rows) > current_app.config["IMPORT_INLINE_ROWS"]:  # too long for one request
            job = jobs.create("import_kpj", {"digest": digest}, me().id, total=len(read.rows))
            db.session.commit()
            jobs.dispatch(job.id)
            return redirect(url_for("tasks.show", job_id=job.id))
        if read is not None and read.rows and form.apply.data and digest:
            try:
                n = kpj_file.apply_kpj_import(read.rows, me())
            except review.Refused as refusal:
                db.session.rollback()
                error = " ".join(refusal.messages)
                read = kpj_file.read_kpj_csv(text, me())  # fresh per-row results after the rollback
            else:
                kpj_file.drop_upload(digest, me())  # in the same transaction as the rows it applied
                db.session.commit()
                flash(_("%(n)s nomor KPJ dicatat; pendaftaran itu sekarang Terdaftar (KPJ terbit).", n=n), "success")
                return redirect(url_for("review.queue", status="active"))
        uploads.settle(form, read, text, digest, me(), kpj_file.KIND)
        db.session.commit()
        if error:
            status = 422
    return render_template("review/kpj_import.html", form=form, read=read, error=error), status


@bp.get("/tinjau/ekspor.<fmt>")
@role_required("coordinator", "admin")
@reads_from_replica
def export_rows(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    f = filters_from(request.args)
    # Erased rows hold nothing for BPJS Ketenagakerjaan: they stay in the counts, not in the file.
    query = apply_filters(visible_to(me()), f).where(Registration.status != "erased").order_by(Registration.id)
    event_id = exports.start(fmt, f, me())
    if export_jobs.count_of(query) > current_app.config["EXPORT_INLINE_ROWS"]:  # too long for one response
        job = jobs.create("export_queue", {"filter": f.as_dict(), "format": fmt, "event": event_id}, me().id,
                          filename=exports.filename("pendaftaran-bpu", fmt), mimetype=export_jobs.MIMETYPES[fmt])
        db.session.commit()  # the audit event and the job, before any row is read
        jobs.dispatch(job.id)
        return redirect(url_for("tasks.show", job_id=job.id))
    db.session.commit()  # recorded before the first byte leaves

    def done(n: int) -> None:
        exports.record_rows(event_id, n)
        db.session.commit()
    return exports.response(query, fmt, done)


@bp.get("/audit")
@role_required("coordinator", "admin")
def audit_trail():
    query = db.select(AuditEvent).order_by(AuditEvent.id.desc())
    if current_user.has_role("coordinator"):
        query = query.where(AuditEvent.kecamatan_code == current_user.kecamatan_code)
    person = as_int(request.args.get("user"))
    if person:
        query = query.where(AuditEvent.user_id == person)
    number = (request.args.get("number") or "").strip().upper()[:20]
    if number:
        query = query.join(Registration, AuditEvent.registration_id == Registration.id).where(Registration.number == number)
    since, until = as_date(request.args.get("from")), as_date(request.args.get("to"))
    if since:
        query = query.where(AuditEvent.at >= local_midnight(since))
    if until:
        query = query.where(AuditEvent.at < local_midnight(until + timedelta(days=1)))
    before = as_int(request.args.get("before"))
    if before:
        query = query.where(AuditEvent.id < before)
    rows = db.session.scalars(query.limit(PAGE + 1).options(db.joinedload(AuditEvent.user),
                                                             db.joinedload(AuditEvent.registration))).all()
    people = db.select(User).order_by(User.full_name)
    if current_user.has_role("coordinator"):  # the people of their own kecamatan, not every account
        people = people.where(User.kecamatan_code == current_user.kecamatan_code)
    next_args = {"user": person, "number": number or None, "from": since.isoformat() if since else None,
                 "to": until.isoformat() if until else None, "before": rows[PAGE - 1].id if len(rows) > PAGE else None}
    return render_template("review/audit.html", rows=rows[:PAGE], people=db.session.scalars(people).all(),
                           person=person, number=number, since=since, until=until, next_args=next_args)
