"""Moving registrations through the workflow (outreach/domain/workflow.py), with its messages. The HTML forms,
the API, the KPJ import and the officer's corrections call transition(); a mistyped KPJ is put right by
correct_kpj(). The caller commits."""
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from outreach import audit
from outreach.domain import workflow
from outreach.extensions import db
from outreach.labels import STATUSES
from outreach.models import Registration, RegistrationEvent, User
from outreach.models.types import utcnow
from outreach.services.access import may_see

class Refused(Exception):
    """The move is not possible: `status` is the HTTP answer (403, 409, 422), `messages` say why, and
    `fields` the same messages by the form field they belong to (reason, note, kpj), to show them there."""

    def __init__(self, status: int, messages: list[str], registration: Registration | None = None,
                 fields: dict | None = None):
        super().__init__(messages)
        self.status, self.messages, self.registration = status, messages, registration
        self.fields = fields or {}


WORKFLOW_MESSAGES = {
    "impossible": lambda target: _("Perubahan status ini tidak dimungkinkan dari status sekarang."),
    "forbidden": lambda target: _("Peran Anda tidak boleh melakukan perubahan status ini."),
    "reason_required": lambda target: (_("Pilih alasan pengembalian.") if target == "returned"
                                       else _("Pilih alasan penolakan.")),
    "note_required": lambda target: _("Tulis catatan: untuk pengembalian, apa yang perlu diperbaiki; untuk penolakan, penjelasannya."),
    "kpj_invalid": lambda target: _("Nomor KPJ harus 11 angka."),
    "note_too_long": lambda target: _("Catatan paling banyak %(n)s karakter; persingkat catatannya.",
                                      n=workflow.NOTE_LIMIT),
    "correction_required": lambda target: _("Perbaiki data yang diminta koordinator dulu. Bila memang tidak ada "
                                            "yang perlu diubah, nyatakan itu (no_change_needed)."),
}
FIELD_OF = {"reason_required": "reason", "note_required": "note", "note_too_long": "note", "kpj_invalid": "kpj",
            "correction_required": "no_change_needed"}
CORRECTION_MESSAGES = {
    "impossible": lambda: _("Nomor KPJ hanya dapat dikoreksi pada pendaftaran yang KPJ-nya sudah terbit."),
    "forbidden": lambda: _("Peran Anda tidak boleh mengoreksi nomor KPJ."),
    "kpj_invalid": lambda: _("Nomor KPJ harus 11 angka."),
    "kpj_unchanged": lambda: _("Nomor KPJ ini sama dengan yang sudah tercatat."),
    "reason_required": lambda: _("Tulis alasan koreksi, mis. salah ketik dari berkas cabang."),
}


def kpj_taken_message() -> str:
    return _("Nomor KPJ ini sudah dipakai.")


def kpj_in_use(kpj: str, registration_id: int | None = None) -> bool:
    """The friendly early check; the unique index uq_registrations_kpj is what holds under concurrency."""
    query = db.select(Registration.id).where(Registration.kpj == kpj)
    if registration_id is not None:
        query = query.where(Registration.id != registration_id)
    return db.session.scalar(query.limit(1)) is not None


def transition(registration: Registration, target: str, user: User, version: int | None, reason: str | None = None,
               note: str | None = None, kpj: str | None = None, corrected: bool = False,
               no_change_needed: bool = False) -> Registration:
    """Move a registration; raises Refused, having changed nothing. Optimistic: `version` must be the one the
    user saw. The caller commits (and rolls back on Refused, to show the fresh state).

    Returned -> pending: `corrected` when the officer's edit changed something (registrations.update), else
    `no_change_needed`, the officer's explicit word, recorded in the event."""
    if not may_see(user, registration):
        raise Refused(403, [_("Pendaftaran ini di luar wilayah Anda.")], registration)
    codes = workflow.check(registration.status, target, user.role, reason, note, kpj,
                           corrected=corrected or no_change_needed)
    if "forbidden" in codes:
        raise Refused(403, [WORKFLOW_MESSAGES["forbidden"](target)], registration)
    if version is not None and version != registration.version:
        raise Refused(409, [stale_message(registration)], registration)
    if "impossible" in codes:
        raise Refused(409, [WORKFLOW_MESSAGES["impossible"](target)], registration)
    if codes:
        messages = {code: WORKFLOW_MESSAGES[code](target) for code in codes}
        raise Refused(422, list(messages.values()), registration,
                      {FIELD_OF[code]: [message] for code, message in messages.items() if code in FIELD_OF})
    if target == "active" and kpj_in_use(workflow.normalise_kpj(kpj), registration.id):
        raise Refused(422, [kpj_taken_message()], registration, {"kpj": [kpj_taken_message()]})
    before = registration.status
    values = {"status": target, "version": Registration.version + 1, "updated_at": utcnow(),
              "reason": workflow.reason_after(target, reason)}
    if target == "active":
        values["kpj"] = workflow.normalise_kpj(kpj)
        values["kpj_at"] = values["updated_at"]  # the first payment is due from here
    # The WHERE on version makes the check and the write one step: of two coordinators, one wins.
    try:
        with db.session.begin_nested():
            done = db.session.execute(db.update(Registration).where(
                Registration.id == registration.id, Registration.version == registration.version).values(**values))
    except IntegrityError:
        # Only the KPJ can collide here (uq_registrations_kpj): another registration took it since the check.
        if target != "active":
            raise
        raise Refused(422, [kpj_taken_message()], registration, {"kpj": [kpj_taken_message()]}) from None
    if done.rowcount != 1:
        db.session.refresh(registration)
        raise Refused(409, [stale_message(registration)], registration)
    changes = {"from": before, "to": target}
    if values["reason"]:
        changes["reason"] = values["reason"]
    if note and note.strip():
        changes["note"] = note.strip()  # workflow.check refused a longer one
    if (before, target) == ("returned", "pending") and no_change_needed and not corrected:
        changes["no_change_needed"] = True
    if target == "active":
        changes["kpj"] = values["kpj"]
    db.session.add(RegistrationEvent(registration_id=registration.id, user_id=user.id, kind="transition",
                                     changes=changes))
    audit.record("transition", registration, user_id=user.id, **{k: v for k, v in changes.items() if k != "note"})
    db.session.flush()
    db.session.refresh(registration)  # the UPDATE went around the ORM: read back status, version, KPJ
    return registration


def correct_kpj(registration: Registration, kpj: str | None, reason: str | None, user: User,
                version: int | None) -> Registration:
    """Put right the KPJ of an active registration (a typo): not a move, the status stays. The old number stays
    in the history; the unique index uq_registrations_kpj still holds. Raises Refused, having changed
    nothing, with the same answers as transition(); the caller commits."""
    if not may_see(user, registration):
        raise Refused(403, [_("Pendaftaran ini di luar wilayah Anda.")], registration)
    codes = workflow.check_kpj_correction(registration.status, user.role, registration.kpj, kpj, reason)
    if "forbidden" in codes:
        raise Refused(403, [CORRECTION_MESSAGES["forbidden"]()], registration)
    if version is not None and version != registration.version:
        raise Refused(409, [stale_message(registration)], registration)
    if "impossible" in codes:
        raise Refused(409, [CORRECTION_MESSAGES["impossible"]()], registration)
    new = workflow.normalise_kpj(kpj)
    if not codes and kpj_in_use(new, registration.id):
        codes = ["kpj_taken"]
    if codes:
        messages = {code: kpj_taken_message() if code == "kpj_taken" else CORRECTION_MESSAGES[code]()
                    for code in codes}
        raise Refused(422, list(messages.values()), registration,
                      {"reason" if code == "reason_required" else "kpj": [message]
                       for code, message in messages.items()})
    old, reason = registration.kpj, reason.strip()[:500]
    try:
        with db.session.begin_nested():
            done = db.session.execute(db.update(Registration).where(
                Registration.id == registration.id, Registration.version == registration.version).values(
                kpj=new, version=Registration.version + 1, updated_at=utcnow()))
    except IntegrityError:  # another registration took the number since the check
        raise Refused(422, [kpj_taken_message()], registration, {"kpj": [kpj_taken_message()]}) from None
    if done.rowcount != 1:
        db.session.refresh(registration)
        raise Refused(409, [stale_message(registration)], registration)
    db.session.add(RegistrationEvent(registration_id=registration.id, user_id=user.id, kind="kpj_corrected",
                                     changes={"kpj": [old, new], "reason": reason}))
    audit.record("correct_kpj", registration, user_id=user.id, kpj=[old, new], reason=reason)
    db.session.flush()
    db.session.refresh(registration)
    return registration


def stale_message(registration: Registration) -> str:
    return _("Pendaftaran ini baru saja diubah orang lain (sekarang: %(status)s). Periksa data terbaru lalu ulangi.",
             status=STATUSES[registration.status])
