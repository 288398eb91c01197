"""The worker's public status page (from the receipt's QR) and the manual lookup without a QR.

Nothing personal leaves here: no NIK, birth date, phone, address or heir, and the name masked.
"""
import hmac

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired

from outreach import district
from outreach.domain import protection as cover
from outreach.domain.clock import local_today
from outreach.domain.dates import parse_date
from outreach.domain.numbers import read_number
from outreach.domain.masking import mask_name
from outreach.extensions import csrf, db, limiter
from outreach.models import Registration
from outreach.labels import reason_for_worker
from outreach.services import payments, receipts
from outreach.status import query
from outreach.status.plan import plan

bp = Blueprint("status", __name__)
STEPS = ("pending", "verified", "submitted", "active")
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


@bp.after_request
def private(response):
    """Every answer of these pages, error pages included: not cached, not indexed, no referrer."""
    response.headers.update(PRIVATE_HEADERS)
    return response


def contact(r) -> tuple[str | None, str | None, str | None]:
    """Who the worker can call: the officer, else a coordinator of the kecamatan, else the office; with no
    number anywhere, where to go instead (OFFICE_ADDRESS, else the kecamatan's office): (name, phone, place).
    `r`: the page's row, which carries them all (status/query.py)."""
    if r.officer_phone:
        return r.officer_name, r.officer_phone, None
    if r.coordinator_phone is not None:  # the first coordinator with a number
        return r.coordinator_name, r.coordinator_phone, None
    if current_app.config["OFFICE_PHONE"]:
        return current_app.config["OFFICE_NAME"], current_app.config["OFFICE_PHONE"], None
    place = current_app.config["OFFICE_ADDRESS"] or _("Kantor Camat %(name)s", name=r.kecamatan_name or "")
    return None, None, place


@bp.get("/s/<token>")
def show(token: str):
    r = query.find(token)  # one query for all the page shows, contact and ledger included (a hot path)
    if r is None or r.replaced:
        return render_template("status/missing.html", replaced=r is not None), 404
    if r.status == "erased":  # its hash was kept for this answer alone: nothing else of the person is left to show
        return render_template("status/missing.html", erased=True), 410
    contact_name, contact_phone, contact_place = contact(r)
    # Returned or rejected: only the reason *category* (a fixed, translated sentence) and what to do next.
    # The coordinator's free-text note is never shown here: it is written for the officer and routinely
    # quotes what was wrong ("NIK di KTP 1903…", "tgl lahir 15-08-1990", a phone number); no filter can
    # reliably tell such personal data apart in free text, and anyone holding the QR or link would read it.
    reason = reason_for_worker(r.status, r.reason)
    today = local_today()
    # The ledger, not paid_through alone: a gap between payments is a month unprotected.
    protection = cover.protection(True, query.paid_months(r), today) if payments.has_kpj(r) else None
    return render_template(
        "status/show.html", r=r, masked_name=mask_name(r.full_name), steps=STEPS, reason=reason,
        protection=protection, plan=plan(r, today),
        reached=STEPS.index(r.status) if r.status in STEPS else 0,
        contact_name=contact_name, contact_phone=contact_phone, contact_place=contact_place, token=token)


class LookupForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only lookup on a public page: no session, nothing to forge

    number = StringField(_l("Nomor pendaftaran"), validators=[DataRequired(_l("Isi nomor pendaftaran."))],
                         render_kw={"autocapitalize": "characters", "autocomplete": "off", "maxlength": 20})
    birth_date = StringField(_l("Tanggal lahir"), validators=[DataRequired(_l("Isi tanggal lahir."))],
                             description=_l("Jika tidak ada kalender, ketik HH-BB-TTTT, mis. 15-08-1990."),
                             render_kw={"type": "date", "autocomplete": "bday"})
    submit = SubmitField(_l("Cek status"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)  # the example carries this deployment's prefix
        self.number.description = _("Tertulis di tanda terima, mis. %(example)s.", example=district.example_number())


def typed_number(typed: str | None) -> str:
    """The number as the app writes it, with the deployment's prefix when none was typed."""
    return read_number(typed, current_app.config["NUMBER_PREFIX"])[:20]


@bp.route("/cek", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(lambda: current_app.config["LOOKUP_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOOKUP_NUMBER_RATE_LIMIT"], methods=["POST"],
               key_func=lambda: "cek-number:" + typed_number(request.form.get("number")))
def lookup():
    form = LookupForm()
    not_found = False
    if form.validate_on_submit():
        number = typed_number(form.number.data)  # "bs2611000149" is BS-2611-000149
        born = parse_date(form.birth_date.data)
        registration = db.session.scalar(db.select(Registration).where(Registration.number == number))
        # The same work and the same answer whether the number is unknown or the birth date wrong.
        # An erased registration has no birth date left to match: it answers as an unknown number.
        expected = registration.birth_date.isoformat() if registration and registration.birth_date else "0000-00-00"
        matches = hmac.compare_digest(expected, born.isoformat() if born else "")
        if registration and matches:
            token = receipts.token_of(receipts.current(registration))
            return redirect(url_for("status.show", token=token))
        not_found = True
        form.birth_date.data = ""  # a public page never shows a birth date back
    return render_template("status/lookup.html", form=form, not_found=not_found)
