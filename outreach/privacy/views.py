"""The workers' data-subject requests (UU PDP), for coordinators and admins: the register, one request with
what answers it (the access copy, erasure, closing it), the access copy of one worker's data, and for admins
the retention run started now (a job, as `flask retention run --job`)."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from outreach import audit, labels
from outreach.domain import privacy as rules
from outreach.domain.clock import LOCAL_TZ
from outreach.domain.dates import parse_date, parse_local_moment
from outreach.extensions import db
from outreach.models.types import utcnow
from outreach.privacy.forms import CloseForm, EraseForm, RequestForm
from outreach.security import rerender_on_csrf_error, role_required
from outreach.services import erasure, jobs, privacy
from outreach.services.access import registration_for

bp = Blueprint("privacy", __name__)
EARLIEST = timedelta(days=31)  # a request written down late is still dated when it was made, within a month


def me():
    return current_user._get_current_object()


@bp.get("/privasi")
@role_required("coordinator", "admin")
def requests():
    open_requests, closed = privacy.register(me())
    return render_template("privacy/requests.html", open_requests=open_requests, closed=closed, now=utcnow())


@bp.post("/privasi/retensi")
@role_required("admin")
def run_retention():
    """Erase what is past its retention now, without waiting for the night's timer: the retention job already
    under way, else a new one (services/routines.py)."""
    job, new = jobs.start_once("retention", {}, current_user.id)
    db.session.commit()
    if new:
        jobs.dispatch(job.id)
    return redirect(url_for("tasks.show", job_id=job.id))


def received(form: RequestForm):
    """When the request reached the district: now, or the moment typed (WIB), not ahead and within a month."""
    now = utcnow()
    if not form.received_at.data:
        return now
    moment = parse_local_moment(form.received_at.data)
    when = moment.replace(tzinfo=LOCAL_TZ) if moment else None
    if when is None or when > now + timedelta(minutes=5) or when < now - EARLIEST:
        form.received_at.errors = [_("Isi tanggal dan jam dalam sebulan terakhir, tidak di masa depan.")]
        return None
    return when


@bp.route("/privasi/baru", methods=["GET", "POST"])
@role_required("coordinator", "admin")
@rerender_on_csrf_error
def new_request():
    form = RequestForm()
    if request.method == "GET":
        form.number.data = (request.args.get("number") or "")[:20]
        form.identified_by.data = "number_birth_date"
        return render_template("privacy/new.html", form=form)
    if form.validate_on_submit():
        when = received(form)
        born = parse_date(form.birth_date.data)
        if form.identified_by.data == "number_birth_date" and born is None:
            form.birth_date.errors = [_("Isi tanggal lahir pekerja (contoh: 15-08-1990).")]
        elif when is not None:
            registration, problem = privacy.find_worker(me(), form.number.data, form.identified_by.data, born)
            if problem:
                form.number.errors = [{
                    "not_found": _("Nomor ini tidak ditemukan di wilayah Anda."),
                    "mismatch": _("Nomor pendaftaran dan tanggal lahir tidak cocok."),
                    "erased": _("Data pribadi pendaftaran ini sudah dihapus."),
                }[problem]]
            else:
                made = privacy.record_request(registration, me(), form.kind.data, form.identified_by.data,
                                              form.detail.data, when)
                db.session.commit()
                flash(_("Permintaan dicatat. Batas waktu: %(due)s.", due=made.due_at.astimezone(LOCAL_TZ)
                        .strftime("%d-%m-%Y %H:%M")), "success")
                return redirect(url_for("privacy.request_detail", request_id=made.id))
    form.birth_date.data = ""  # never echoed back
    return render_template("privacy/new.html", form=form), 422


def render_request(req, close_form=None, erase_form=None, status=200):
    return render_template("privacy/request.html", req=req, r=req.registration, now=utcnow(),
                           close_form=close_form or CloseForm(formdata=None),
                           erase_form=erase_form or EraseForm(formdata=None),
                           may_erase=req.state == "open" and req.kind in rules.ERASING_KINDS
                           and not req.registration.erased), status


@bp.get("/privasi/<int:request_id>")
@role_required("coordinator", "admin")
def request_detail(request_id: int):
    req = privacy.request_for(me(), request_id)
    audit.record("view", req.registration, page=request.endpoint, request=req.id)
    db.session.commit()
    return render_request(req)


@bp.post("/privasi/<int:request_id>/tutup")
@role_required("coordinator", "admin")
@rerender_on_csrf_error
def close_request(request_id: int):
    req = privacy.request_for(me(), request_id)
    if req.state != "open":
        flash(_("Permintaan ini sudah ditutup."), "error")
        return redirect(url_for("privacy.request_detail", request_id=req.id))
    form = CloseForm()
    if not form.validate_on_submit():
        return render_request(req, close_form=form, status=422)
    privacy.close_request(req, me(), form.state.data, form.outcome.data)
    db.session.commit()
    flash(_("Permintaan ditutup."), "success")
    return redirect(url_for("privacy.request_detail", request_id=req.id))


@bp.post("/privasi/<int:request_id>/hapus")
@role_required("coordinator", "admin")
@rerender_on_csrf_error
def erase(request_id: int):
    req = privacy.request_for(me(), request_id)
    if req.state != "open" or req.kind not in rules.ERASING_KINDS or req.registration.erased:
        flash(_("Permintaan ini tidak dapat dijawab dengan penghapusan."), "error")
        return redirect(url_for("privacy.request_detail", request_id=req.id))
    form = EraseForm()
    confirmed = form.validate_on_submit()
    if confirmed and form.confirm.data.upper() != req.registration.number:  # typed, not clicked by mistake
        form.confirm.errors, confirmed = [_("Nomor tidak sama dengan %(number)s.", number=req.registration.number)], False
    if not confirmed:
        return render_request(req, erase_form=form, status=422)
    try:
        erasure.erase(req.registration, me(), "request", req)
    except erasure.NotErasable:
        db.session.rollback()
        flash(_("Pendaftaran ini baru saja diubah orang lain. Periksa lalu ulangi."), "error")
        return redirect(url_for("privacy.request_detail", request_id=req.id))
    db.session.commit()
    flash(_("Data pribadi %(number)s sudah dihapus.", number=req.registration.number), "success")
    return redirect(url_for("privacy.request_detail", request_id=req.id))


def copy_of(number: str, fmt: str) -> tuple:
    registration = registration_for(me(), number, audited=False)  # the export's own event records the look
    if registration.erased:
        abort(410)
    data = privacy.access_export(registration, me(), fmt)
    db.session.commit()  # recorded before anything leaves
    return registration, data


@bp.get("/privasi/data/<number>")
@role_required("coordinator", "admin")
def access_page(number: str):
    registration, data = copy_of(number, "html")
    return render_template("privacy/access.html", r=registration, data=data, now=utcnow(),
                           consent=labels.consent_sections(registration.consent_version, current_app.config))


@bp.get("/privasi/data/<number>.json")
@role_required("coordinator", "admin")
def access_json(number: str):
    registration, data = copy_of(number, "json")
    response = jsonify(data)
    response.headers["Content-Disposition"] = f'attachment; filename="data-{registration.number}.json"'
    return response
