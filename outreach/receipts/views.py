"""The receipt (tanda terima) an officer hands the worker: printable, with a QR to the status page."""
from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from outreach.extensions import db
from outreach.receipts import qr
from outreach.security import role_required
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
    message = _("Halo %(name)s, pendaftaran BPJS Ketenagakerjaan Anda nomor %(number)s sudah kami terima. "
                "Cek statusnya di %(url)s", name=registration.full_name, number=registration.number, url=status_url)
    phone = registration.phone
    return render_template(
        "receipts/receipt.html", registration=registration, status_url=status_url,
        qr_svg=qr.svg(status_url, _("Kode QR status pendaftaran %(number)s", number=registration.number)),
        whatsapp=f"https://wa.me/{phone.lstrip('+')}?text={quote(message, safe='')}",
        sms=f"sms:{phone}?body={quote(message, safe='')}",
        lookup_url=receipts.public_url("status.lookup"),
        slip=request.args.get("format") == "slip", reissue_form=FlaskForm())


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


@bp.post("/pendaftaran/<number>/tanda-terima/baru")
@role_required("officer", "coordinator", "admin")
def reissue(number: str):
    registration = registration_for(current_user, number)
    if registration.erased:
        abort(410)
    if FlaskForm().validate_on_submit():
        receipts.reissue(registration, current_user.id)
        flash(_("Tanda terima baru dibuat. Kode QR yang lama tidak berlaku lagi."), "success")
    db.session.commit()
    return redirect(url_for("receipts.show", number=number))
