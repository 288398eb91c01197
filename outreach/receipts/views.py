"""The receipt (tanda terima) an officer hands the worker: printable, with a QR to the status page."""
from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from outreach.extensions import db
from outreach.receipts import qr
from outreach.receipts.forms import ReissueForm
from outreach.security import rerender_on_csrf_error, role_required
from outreach.services import receipts
from outreach.services.access import registration_for

bp = Blueprint("receipts", __name__)


@bp.get("/pendaftaran/<number>/tanda-terima")
@role_required("officer", "coordinator", "admin")
def show(number: str):
    registration = registration_for(current_user, number)
    db.session.commit()  # the audited look
    if registration.erased:
        abort(410)  # its personal data is gone, and with it the receipt's token
    status_url = receipts.status_url(registration)
    with force_locale("id"):  # to the worker: Indonesian, whatever language the officer's screen is in
        message = _("Halo %(name)s, pendaftaran BPJS Ketenagakerjaan Anda nomor %(number)s sudah kami terima. "
                    "Cek statusnya di %(url)s", name=registration.full_name, number=registration.number, url=status_url)
    phone = registration.phone
    return render_template(
        "receipts/receipt.html", registration=registration, status_url=status_url,
        qr_svg=qr.svg(status_url, _("Kode QR status pendaftaran %(number)s", number=registration.number)),
        whatsapp=f"https://wa.me/{phone.lstrip('+')}?text={quote(message, safe='')}",
        sms=f"sms:{phone}?body={quote(message, safe='')}",
        lookup_url=receipts.public_url("status.lookup"),
        slip=request.args.get("format") == "slip")


@bp.get("/pendaftaran/<number>/receipt.png")
@role_required("officer", "coordinator", "admin")
def png(number: str):
    registration = registration_for(current_user, number)
    db.session.commit()
    if registration.erased:
        abort(410)
    image = qr.png(receipts.status_url(registration))
    return Response(image, mimetype="image/png", headers={
        "Content-Disposition": f'attachment; filename="tanda-terima-{registration.number}.png"',
        "Cache-Control": "no-store"})


@bp.route("/pendaftaran/<number>/tanda-terima/baru", methods=["GET", "POST"])
@role_required("officer", "coordinator", "admin")
@rerender_on_csrf_error
def reissue(number: str):
    """Asks first (the QR in the worker's hands stops working), then re-issues and records why."""
    registration = registration_for(current_user, number)
    if registration.erased:
        abort(410)
    form = ReissueForm()
    if form.validate_on_submit():
        receipts.reissue(registration, current_user.id, form.reason.data, form.note.data or None)
        db.session.commit()
        flash(_("Tanda terima baru dibuat. Kode QR yang lama tidak berlaku lagi: berikan atau kirim tanda terima "
                "ini kepada pekerja."), "success")
        return redirect(url_for("receipts.show", number=number))
    db.session.commit()  # the audited look
    return render_template("receipts/reissue.html", registration=registration, form=form), \
        422 if form.errors else 200
