"""The coordinators' ways in for payments: one worker's payment typed, the branch's payment file imported, a
programme's month recorded as paid. The rules and the ledger are services.payments'."""
import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from outreach import audit, uploads
from outreach.domain import contribution, payments as rules
from outreach.domain.clock import local_today
from outreach.domain.money import format_rupiah
from outreach.extensions import db
from outreach.models import Programme, Registration, User
from outreach.payments.forms import PaymentForm, PaymentImportForm, ProgrammeMonthForm
from outreach.security import rerender_on_csrf_error, role_required
from outreach.services import jobs, kpj_import, payment_import, payments, programmes
from outreach.services.access import registration_for
from outreach.services.review import Refused

bp = Blueprint("payments", __name__)


def me() -> User:
    return current_user._get_current_object()


def hint(r: Registration, form: PaymentForm) -> dict | None:
    """What the rule asks for the months typed (or the default ones), for the amount's hint."""
    first = rules.parse_month(form.first_month.data)
    months = form.months.data if re.fullmatch(r"[0-9]{1,2}", str(form.months.data or "")) else None
    if first is None or not months or not 1 <= int(months) <= rules.MAX_MONTHS:
        return None
    return {"amount": payments.expected(r, first, int(months)), "months": int(months),
            "first": contribution.month_text(first)}


def render_record(r: Registration, form: PaymentForm, status: int = 200, problem: str | None = None):
    lines = payments.ledger(r)
    return render_template("payments/record.html", r=r, form=form, lines=lines, problem=problem,
                           cover=payments.protection_of(r, lines=lines), hint=hint(r, form),
                           may_record=payments.has_kpj(r)), status


@bp.route("/bayar/<number>", methods=["GET", "POST"])
@role_required("coordinator", "admin")
@rerender_on_csrf_error
def record(number: str):
    # A look is audited (the ledger shows amounts); a refused one too, by the 403 handler (errors.py).
    r = registration_for(me(), number, audited=request.method == "GET")
    form = PaymentForm()
    if request.method == "GET":
        today = local_today()
        form.first_month.data = today.strftime("%Y-%m")
        form.months.data = str(r.payment_period or 1)
        form.paid_on.data = today.isoformat()
        form.channel.data = "bank"
        db.session.commit()
        return render_record(r, form)
    if not form.validate_on_submit():  # the CSRF token only: errors.py makes this a 400 with the typed data
        return render_record(r, form, 400)
    try:
        done = payments.record(r, form.values(), me(), note=form.note.data)
    except Refused as refusal:
        db.session.rollback()
        db.session.refresh(r)
        if refusal.status == 403:
            audit.record("refused", r, attempt="payment", why="forbidden")
            db.session.commit()
            abort(403)
        for name, messages in refusal.fields.items():
            if name in form:
                form[name].errors = list(messages)
        placed = {m for messages in refusal.fields.values() for m in messages}
        return render_record(r, form, refusal.status, " ".join(m for m in refusal.messages if m not in placed) or None)
    db.session.commit()
    p = done.payment
    if not done.created:
        flash(_("Pembayaran yang sama sudah tercatat; tidak dicatat dua kali."), "info")
    elif p.mismatch:  # accepted (arrears, a branch's own rate) but said, with by how much
        flash(_("Pembayaran dicatat, tetapi jumlahnya berbeda dari aturan: seharusnya %(expected)s, selisih "
                "%(difference)s.", expected=rupiah(p.expected), difference=rupiah(p.amount - p.expected, True)),
              "info")
    else:
        flash(_("Pembayaran %(number)s dicatat.", number=r.number), "success")
    return redirect(url_for("payments.record", number=r.number))


def rupiah(amount: int, signed: bool = False) -> str:
    """As the template filter writes it, in a flash message; `signed`: a difference (+ more, - less)."""
    return ("+" if signed and amount > 0 else "-" if amount < 0 else "") + format_rupiah(abs(amount), str(get_locale()))


@bp.route("/bayar/impor", methods=["GET", "POST"])
@role_required("coordinator", "admin")
@rerender_on_csrf_error
def import_file():
    form = PaymentImportForm()
    read, error, status = None, None, 200
    if form.validate_on_submit() and form.cancel.data:
        uploads.cancel(form, me(), payment_import.KIND)
        db.session.commit()
        flash(_("Impor dibatalkan; berkas yang diperiksa sudah dihapus dari server."), "info")
        return redirect(url_for("payments.import_file"))
    if form.validate_on_submit():
        text, digest, error = uploads.chosen_text(form, me(), payment_import.KIND, payment_import.MAX_IMPORT_BYTES,
                                                  _("Berkas terlalu besar (paling besar 9 MB)."))
        if not error and text.count("\n") > current_app.config["PAYMENT_INLINE_ROWS"]:
            # Too many rows to check, or to apply, within one request: a job does it (/tugas/<id>).
            digest = digest or kpj_import.keep_upload(text, me(), payment_import.KIND)
            applying = bool(form.apply.data and form.digest.data and not form.file.data)  # only a checked file
            job = jobs.create("import_payments" if applying else "check_payments", {"digest": digest}, me().id)
            db.session.commit()
            jobs.dispatch(job.id)
            return redirect(url_for("tasks.show", job_id=job.id))
        if not error:
            try:
                read = payment_import.read_payment_csv(text, me())
            except ValueError as problem:
                error = str(problem)
            else:
                if not read.rows:
                    error = _("Berkas tidak punya baris data di bawah judul kolom.")
        if read is not None and read.rows and form.apply.data and digest and \
                not kpj_import.drop_upload(digest, me(), payment_import.KIND):  # a second click, a second tab
            error, read = _("Berkas ini sudah diterapkan atau dibatalkan."), None
        if read is not None and read.rows and form.apply.data and digest:
            try:
                done = payment_import.apply_payments(read, me())
            except Refused as refusal:
                db.session.rollback()
                error = " ".join(refusal.messages)
            else:
                db.session.commit()  # the rows, with the preview claimed above
                flash(_("%(n)s pembayaran dicatat (%(total)s); %(already)s sudah tercatat sebelumnya.",
                        n=done["new"], total=rupiah(done["total"]), already=done["already"]), "success")
                return redirect(url_for("payments.import_file"))
        uploads.settle(form, read, text, digest, me(), payment_import.KIND)
        db.session.commit()
        if error:
            status = 422
    elif request.method == "POST":
        status = 400
    return render_template("payments/import.html", form=form, read=read, error=error,
                           summary=read.summary() if read else None, words=payment_import.COLUMN_WORDS), status


def programme_months(programme: Programme) -> list[tuple[int, int]]:
    first = (programme.first_month.year, programme.first_month.month)
    return [contribution.add_months(first[0], first[1], n) for n in range(programme.months)]


@bp.post("/bayar/program/<int:programme_id>")
@role_required("coordinator", "admin")
def programme_month(programme_id: int):
    """A programme's month paid by its payer: every member with a KPJ (a coordinator's: of their kecamatan)."""
    programme = db.session.get(Programme, programme_id) or abort(404)
    area = current_user.kecamatan_code if current_user.has_role("coordinator") else None
    if area and not programmes.applies_to(programme, area):
        abort(403)
    form = ProgrammeMonthForm()
    if not form.validate_on_submit():
        abort(400)
    back = redirect(url_for("programmes.show", programme_id=programme.id))
    month, paid_on = rules.parse_month(form.month.data), rules.parse_day(form.paid_on.data)
    if month not in programme_months(programme):
        flash(_("Pilih salah satu bulan program."), "error")
        return back
    if paid_on is None or paid_on > local_today():
        flash(_("Tulis tanggal bayar sebagai TTTT-BB-HH, tidak di masa depan."), "error")
        return back
    try:
        counts = payments.programme_month(programme, month, paid_on, me(), kecamatan=area)
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.messages[0], "error")
        return back
    db.session.commit()
    flash(_("Bulan %(month)s: %(added)s dicatat lunas, %(already)s sudah tercatat, %(waiting)s menunggu KPJ.",
            month=contribution.month_text(month), **counts), "success")
    return back
