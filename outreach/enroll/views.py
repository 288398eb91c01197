"""The officer's journey: start a visit to a desa, enroll workers one after another, correct them."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from outreach import labels
from outreach.domain.clock import local_today
from outreach.domain.workflow import STATUSES
from outreach.enroll.forms import CloseVisitForm, RegistrationForm, VisitForm, bracket_value, income_choices
from outreach.extensions import db
from outreach.inputs import as_int
from outreach.models import Programme, Registration, Visit
from outreach.models.types import utcnow
from outreach.security import rerender_on_csrf_error, role_required
from outreach.services import followup, payments, programmes, registrations, tariff, worklist
from outreach.services.access import duplicate_link, registration_for
from outreach.services.checks import Checked
from outreach.services.regions import village_choices

bp = Blueprint("enroll", __name__)
PAGE = 30


def me():
    return current_user._get_current_object()


def own_visit(visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id) or abort(404)
    if visit.officer_id != current_user.id:
        abort(403)
    return visit


@bp.route("/kunjungan", methods=["GET", "POST"])
@role_required("officer")
@rerender_on_csrf_error
def visits():
    form = VisitForm()
    form.village_code.choices = [SelectChoice("", _("— pilih desa —"))] + village_choices(current_user.kecamatan_code)
    if form.validate_on_submit():
        visit = Visit(officer_id=current_user.id, village_code=form.village_code.data, note=form.note.data or None)
        visit.latitude_e6, visit.longitude_e6, visit.accuracy_m = location(form)
        db.session.add(visit)
        db.session.commit()
        return redirect(url_for("enroll.visit", visit_id=visit.id))
    enrolled = (db.select(db.func.count(Registration.id)).where(Registration.visit_id == Visit.id)
                .correlate(Visit).scalar_subquery())
    rows = db.session.execute(
        db.select(Visit, enrolled).where(Visit.officer_id == current_user.id)
        .order_by(Visit.started_at.desc()).limit(50).options(joinedload(Visit.village))).all()
    return render_template("enroll/visits.html", form=form, visits=rows)


MAX_ACCURACY_M = 100_000  # a phone's fix worse than 100 km says nothing about where the visit is


def location(form: VisitForm) -> tuple[int | None, int | None, int | None]:
    """The phone's position if the officer allowed it; anything odd (out of range, not a finite number, an
    absurd accuracy) is dropped, never an error."""
    try:
        lat, lon = float(form.latitude.data), float(form.longitude.data)
        accuracy = float(form.accuracy.data) if form.accuracy.data else None
    except (TypeError, ValueError):
        return None, None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also false for NaN and infinities
        return None, None, None
    if accuracy is not None and not 0 <= accuracy <= MAX_ACCURACY_M:
        return None, None, None
    return round(lat * 1e6), round(lon * 1e6), int(accuracy) if accuracy else None


@bp.get("/kunjungan/<int:visit_id>")
@role_required("officer")
def visit(visit_id: int):
    visit = own_visit(visit_id)
    rows = db.session.scalars(db.select(Registration).where(Registration.visit_id == visit.id)
                              .order_by(Registration.created_at.desc())).all()
    due = sum(followup.counts(followup.scope_for(me(), village=visit.village_code), local_today()).values())
    return render_template("enroll/visit.html", visit=visit, registrations=rows, close_form=CloseVisitForm(),
                           followup_due=due)


@bp.post("/kunjungan/<int:visit_id>/tutup")
@role_required("officer")
def close_visit(visit_id: int):
    visit = own_visit(visit_id)
    if CloseVisitForm().validate_on_submit() and visit.is_open:
        visit.closed_at = utcnow()
        db.session.commit()
        flash(_("Kunjungan ke %(desa)s sudah ditutup.", desa=visit.village.name), "success")
    return redirect(url_for("enroll.visits"))


def programme_choices(kecamatan: str | None, day, current: int | None = None) -> list[SelectChoice]:
    """The programmes open to the kecamatan's workers on `day` (and the one a corrected registration is in,
    even if it has ended since), each carrying its payer for the form's script to show only the payer's own."""
    found = programmes.open_for(kecamatan, day)
    if current and current not in {p.id for p in found}:
        found += [p for p in [db.session.get(Programme, current)] if p]
    return [SelectChoice("", _("— pilih program —"))] + [
        SelectChoice(str(p.id), f"{p.name} · {labels.FUNDING[p.payer]} · "
                     f"{labels.months_text(programmes.first_of(p), programmes.last_of(p), short=True)}",
                     render_kw={"data-payer": p.payer}) for p in found]


def render_form(form: RegistrationForm, checked: Checked | None, today, **context):
    form.monthly_income.choices = income_choices(str(get_locale()))
    current = context["registration"].programme_id if context.get("registration") else None
    kecamatan = context["registration"].kecamatan_code if context.get("registration") else current_user.kecamatan_code
    form.programme_id.choices = programme_choices(kecamatan, today, current)
    form.monthly_income.data = bracket_value(form.monthly_income.data)  # the bracket the amount falls in
    duplicate = checked.duplicate if checked else None
    # A correction shows the text its worker consented to; a new registration, the text in force.
    version = context["registration"].consent_version if context.get("registration") else labels.CONSENT_VERSION
    return render_template("enroll/register.html", form=form, checked=checked, consent_version=version,
                           consent_sections=labels.consent_sections(version, current_app.config),
                           guardian_text=labels.GUARDIAN_TEXT,
                           rules=tariff.browser_rules(today),
                           duplicate_url=duplicate_link(me(), duplicate) if duplicate else None, **context)


@bp.route("/kunjungan/<int:visit_id>/daftar", methods=["GET", "POST"])
@role_required("officer")
@rerender_on_csrf_error
def register(visit_id: int):
    visit = own_visit(visit_id)
    if not visit.is_open:
        flash(_("Kunjungan ini sudah ditutup. Mulai kunjungan baru untuk mendaftarkan pekerja."), "error")
        return redirect(url_for("enroll.visit", visit_id=visit.id))
    form = RegistrationForm()
    form.village_code.choices = village_choices()
    today = local_today()
    if request.method == "GET":
        form.village_code.data = visit.village_code
        form.client_id.data = registrations.new_client_id()
        form.programs.data = ["JKK", "JKM"]
        form.consent_method.data = "read_aloud"  # the usual way in the field; the officer changes it if not
        return render_form(form, None, today, visit=visit)
    checked = None
    if form.validate_on_submit():
        client_id = registrations.canonical_client_id(form.client_id.data) or registrations.new_client_id()
        outcome = registrations.submit(form.raw(), current_user.id, client_id, today, visit.id,
                                       preview=bool(form.preview.data))
        if outcome.kind == "client_id_taken":  # not this officer's form: carry on as a new one
            client_id = registrations.new_client_id()
            outcome = registrations.submit(form.raw(), current_user.id, client_id, today, visit.id,
                                           preview=bool(form.preview.data))
        form.client_id.data = client_id
        if outcome.kind in ("created", "saved"):  # saved: the same form sent twice (a double tap, a retry)
            db.session.commit()
            if outcome.kind == "created":
                flash(_("Tersimpan: %(name)s, %(number)s.", name=outcome.registration.full_name,
                        number=outcome.registration.number), "success")
            return redirect(url_for("enroll.registration", number=outcome.registration.number))
        if outcome.kind == "client_id_taken":
            form.client_id.data = registrations.new_client_id()
            flash(_("Pendaftaran belum tersimpan. Periksa isian lalu simpan lagi."), "error")
        else:
            db.session.commit()  # a NIK found registered is audited, saved or not
            checked = outcome.checked
            form.show_errors(checked.errors)
    return render_form(form, checked, today, visit=visit), status_of(checked)


@bp.get("/outbox/perbaiki")
@role_required("officer")
def correct_offline():
    """The registration form without a visit: outbox-form.js fills it from the entry named in ?outbox= and
    sends it through the API, so entries of a visit closed meanwhile can be corrected too."""
    form = RegistrationForm()
    form.village_code.choices = village_choices()
    form.programs.data = ["JKK", "JKM"]
    # consent_method not ticked here: an entry from an older page never recorded it, and must not seem to.
    return render_form(form, None, local_today())


@bp.get("/pendaftaran")
@role_required("officer")
def my_registrations():
    q = (request.args.get("q") or "").strip()[:60]
    status = request.args.get("status") if request.args.get("status") in STATUSES else None  # unknown: all
    rows, next_before = registrations.own_registrations(current_user.id, q, as_int(request.args.get("sebelum")), PAGE,
                                                        status)
    return render_template("enroll/registrations.html", registrations=rows, q=q, next_before=next_before,
                           status=status, counts=worklist.counts_by_status(current_user.id))


@bp.get("/pendaftaran/<number>")
@role_required("officer", "coordinator", "admin")
def registration(number: str):
    registration = registration_for(me(), number)
    db.session.commit()  # the audited look
    lines = [] if registration.erased else payments.ledger(registration)
    return render_template("enroll/registration.html", registration=registration, ledger=lines,
                           protection=None if registration.erased else payments.protection_of(registration, lines=lines),
                           next_visit=registration.visit if registration.visit and registration.visit.is_open
                           and registration.officer_id == current_user.id else None)


@bp.route("/pendaftaran/<number>/ubah", methods=["GET", "POST"])
@role_required("officer")
@rerender_on_csrf_error
def edit(number: str):
    registration = registration_for(me(), number)
    if registration.officer_id != current_user.id:
        abort(403)
    if not registration.editable:
        flash(_("Pendaftaran ini tidak dapat diubah lagi (status: %(status)s).",
                status=labels.STATUSES[registration.status]), "error")
        return redirect(url_for("enroll.registration", number=number))
    form = RegistrationForm(obj=registration) if request.method == "GET" else RegistrationForm()
    form.village_code.choices = village_choices()
    day = registrations.registration_day(registration)  # a correction keeps the age and months it was made with
    if request.method == "GET":
        form.birth_date.data = registration.birth_date.isoformat()
        form.phone.data = "0" + registration.phone[3:]
        form.heir_phone.data = "0" + registration.heir_phone[3:] if registration.heir_phone else ""
        form.monthly_income.data = str(registration.monthly_income)
        form.payment_period.data = str(registration.payment_period)
        form.employs_others.data = "yes" if registration.employs_others else "no"
        form.programme_id.data = str(registration.programme_id or "")
        form.consent.data = True
        form.version.data = registration.version
        return render_form(form, None, day, registration=registration)
    checked = None
    if form.validate_on_submit():
        data = form.raw()
        if data["monthly_income"] == bracket_value(registration.monthly_income):
            data["monthly_income"] = str(registration.monthly_income)  # same bracket: keep the amount declared
        outcome = registrations.correct(registration, data, me(), as_int(form.version.data),
                                        preview=bool(form.preview.data), no_change_needed=form.no_change_needed.data)
        if outcome.kind == "stale":
            db.session.rollback()
            flash(_("Pendaftaran ini baru saja diubah koordinator. Periksa data terbaru lalu ulangi perubahan Anda."), "error")
            return redirect(url_for("enroll.registration", number=number))
        if outcome.kind == "saved":
            db.session.commit()
            flash(_("Perubahan tersimpan.") if outcome.changes else _("Tidak ada yang berubah."), "success")
            return redirect(url_for("enroll.registration", number=number))
        db.session.commit()  # a NIK found registered is audited, saved or not
        checked = outcome.checked
        form.show_errors(checked.errors)
    return render_form(form, checked, day, registration=registration), status_of(checked)


def status_of(checked: Checked | None) -> int:
    """200 for a clean "Hitung iuran" preview, 422 when the form comes back with errors."""
    return 200 if checked is not None and checked.ok else 422
