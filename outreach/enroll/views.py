"""The officer's journey: start a visit to a desa, enroll workers one after another, correct them."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from outreach.domain.contribution import browser_rules
from outreach.domain.regions import search_text
from outreach.enroll import labels, service
from outreach.enroll.access import duplicate_link, get_registration
from outreach.enroll.consent import CONSENT_TEXT, GUARDIAN_TEXT
from outreach.enroll.forms import CloseVisitForm, RegistrationForm, VisitForm, bracket_value, income_choices
from outreach.extensions import db
from outreach.inputs import as_int
from outreach.models import Region, Registration, Visit
from outreach.models.types import utcnow
from outreach.review import reasons
from outreach.security import rerender_on_csrf_error, role_required

bp = Blueprint("enroll", __name__)
PAGE = 30


@bp.app_context_processor
def inject_labels():
    return {"labels": labels}


def village_choices(kecamatan_code: str | None = None) -> list[SelectChoice]:
    """Desa grouped by kecamatan (all of the district, or one kecamatan), each findable by older names."""
    kecamatan = {r.code: r.name for r in Region.kecamatan_of_district()}
    query = db.select(Region).where(Region.level == "village", Region.parent_code.in_(kecamatan))
    if kecamatan_code:
        query = query.where(Region.parent_code == kecamatan_code)
    return [SelectChoice(r.code, r.name, optgroup=kecamatan[r.parent_code],
                         render_kw={"data-search": search_text(r.code, r.name, kecamatan[r.parent_code])})
            for r in db.session.scalars(query.order_by(Region.parent_code, Region.name))]


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
    registrations = db.session.scalars(db.select(Registration).where(Registration.visit_id == visit.id)
                                       .order_by(Registration.created_at.desc())).all()
    return render_template("enroll/visit.html", visit=visit, registrations=registrations, close_form=CloseVisitForm())


@bp.post("/kunjungan/<int:visit_id>/tutup")
@role_required("officer")
def close_visit(visit_id: int):
    visit = own_visit(visit_id)
    if CloseVisitForm().validate_on_submit() and visit.is_open:
        visit.closed_at = utcnow()
        db.session.commit()
        flash(_("Kunjungan ke %(desa)s sudah ditutup.", desa=visit.village.name), "success")
    return redirect(url_for("enroll.visits"))


def contribution_rules(start) -> dict:
    return browser_rules(start)


def render_form(form: RegistrationForm, checked: service.Checked | None, today, **context):
    form.monthly_income.choices = income_choices(str(get_locale()))
    form.monthly_income.data = bracket_value(form.monthly_income.data)  # the bracket the amount falls in
    duplicate = checked.duplicate if checked else None
    return render_template("enroll/register.html", form=form, checked=checked,
                           consent_text=CONSENT_TEXT, guardian_text=GUARDIAN_TEXT, rules=contribution_rules(today),
                           duplicate_url=duplicate_link(duplicate) if duplicate else None, **context)


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
    if request.method == "GET":
        form.village_code.data = visit.village_code
        form.client_id.data = service.new_client_id()
        form.programs.data = ["JKK", "JKM"]
        return render_form(form, None, service.local_today(), visit=visit)
    checked = None
    today = service.local_today()
    if form.validate_on_submit():
        client_id = service.canonical_client_id(form.client_id.data) or service.new_client_id()
        try:
            known = service.by_client_id(client_id, current_user.id)
        except service.ClientIdTaken:  # not this officer's form: carry on as a new one
            client_id, known = service.new_client_id(), None
        form.client_id.data = client_id
        if known:  # the same form sent twice (a double tap, a retry): show what was saved
            return redirect(url_for("enroll.registration", number=known.number))
        checked = service.check(form.raw(), today)
        if same := service.already_saved(checked, client_id, current_user.id):  # a double tap that raced
            return redirect(url_for("enroll.registration", number=same.number))
        if checked.ok and not form.preview.data:
            try:
                registration, created = service.create(checked, current_user.id, visit.id, client_id, today)
            except service.DuplicateNik as dup:
                checked.duplicate = dup.existing
                checked.errors["nik"] = [service.duplicate_message(dup.existing)]
            except service.ClientIdTaken:
                form.client_id.data = service.new_client_id()
                flash(_("Pendaftaran belum tersimpan. Periksa isian lalu simpan lagi."), "error")
            else:
                if created:
                    flash(_("Pendaftaran %(number)s tersimpan.", number=registration.number), "success")
                return redirect(url_for("enroll.registration", number=registration.number))
        form.show_errors(checked.errors)
    return render_form(form, checked, today, visit=visit), status_of(checked)


@bp.get("/pendaftaran")
@role_required("officer")
def my_registrations():
    q = (request.args.get("q") or "").strip()[:60]
    rows, next_before = service.own_registrations(current_user.id, q, as_int(request.args.get("sebelum")), PAGE)
    return render_template("enroll/registrations.html", registrations=rows, q=q, next_before=next_before)


@bp.get("/pendaftaran/<number>")
@role_required("officer", "coordinator", "admin")
def registration(number: str):
    registration = get_registration(number)
    return render_template("enroll/registration.html", registration=registration, reason_label=reasons.label,
                           next_visit=registration.visit if registration.visit and registration.visit.is_open
                           and registration.officer_id == current_user.id else None)


@bp.route("/pendaftaran/<number>/ubah", methods=["GET", "POST"])
@role_required("officer")
@rerender_on_csrf_error
def edit(number: str):
    registration = get_registration(number)
    if registration.officer_id != current_user.id:
        abort(403)
    if not registration.editable:
        flash(_("Pendaftaran ini tidak dapat diubah lagi (status: %(status)s).",
                status=labels.STATUSES[registration.status]), "error")
        return redirect(url_for("enroll.registration", number=number))
    form = RegistrationForm(obj=registration) if request.method == "GET" else RegistrationForm()
    form.village_code.choices = village_choices()
    day = service.registration_day(registration)  # a correction keeps the age and months it was made with
    if request.method == "GET":
        form.birth_date.data = registration.birth_date.isoformat()
        form.phone.data = "0" + registration.phone[3:]
        form.heir_phone.data = "0" + registration.heir_phone[3:] if registration.heir_phone else ""
        form.monthly_income.data = str(registration.monthly_income)
        form.payment_period.data = str(registration.payment_period)
        form.consent.data = True
        form.version.data = registration.version
        return render_form(form, None, day, registration=registration)
    checked = None
    if form.validate_on_submit():
        data = form.raw()
        if data["monthly_income"] == bracket_value(registration.monthly_income):
            data["monthly_income"] = str(registration.monthly_income)  # same bracket: keep the amount declared
        checked = service.check(data, day, exclude_id=registration.id)
        if checked.ok and not form.preview.data:
            try:
                changes = service.update(registration, checked, current_user._get_current_object(),
                                         as_int(form.version.data))
            except service.DuplicateNik as dup:
                checked.duplicate = dup.existing
                checked.errors["nik"] = [service.duplicate_message(dup.existing)]
            except service.Stale:
                flash(_("Pendaftaran ini baru saja diubah koordinator. Periksa data terbaru lalu ulangi perubahan Anda."), "error")
                return redirect(url_for("enroll.registration", number=number))
            else:
                flash(_("Perubahan tersimpan.") if changes else _("Tidak ada yang berubah."), "success")
                return redirect(url_for("enroll.registration", number=number))
        form.show_errors(checked.errors)
    return render_form(form, checked, day, registration=registration), status_of(checked)


def status_of(checked: service.Checked | None) -> int:
    """200 for a clean "Hitung iuran" preview, 422 when the form comes back with errors."""
    return 200 if checked is not None and checked.ok else 422
