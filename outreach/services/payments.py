"""The payment ledger of a registration and the protection it gives (outreach/domain/protection.py).

Every way a payment comes in (a coordinator's form, the API, the branch's payment file, a programme's month)
goes through add(), which keeps `Registration.paid_through` (the last day of the latest month paid) in the same
transaction, writes the history line and the audit. The caller commits.
"""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from outreach import audit
from outreach.domain import contribution, payments as rules, protection as cover
from outreach.domain.clock import local_today as wib_today
from outreach.domain.programmes import UNITS as programme_units
from outreach.extensions import db
from outreach.labels import PAYMENT_ERRORS
from outreach.models import Payment, Programme, Registration, RegistrationEvent, User
from outreach.services import tariff
from outreach.services.access import may_see
from outreach.services.bulk import move_forward
from outreach.services.programmes import members
from outreach.services.review import Refused

RECORDERS = ("coordinator", "admin")  # who records payments (as for the workflow's moves after submission)


def ledger(registration: Registration) -> list[Payment]:
    return list(db.session.scalars(db.select(Payment).where(Payment.registration_id == registration.id)
                                   .order_by(Payment.first_month, Payment.id)))


def has_kpj(registration: Registration) -> bool:
    return registration.status == "active" and bool(registration.kpj)


def protection_of(registration: Registration, today: date | None = None,
                  lines: list[Payment] | None = None) -> cover.Protection:
    """The worker's protection today, from the whole ledger (a gap between payments counts)."""
    lines = ledger(registration) if lines is None else lines
    return cover.protection(has_kpj(registration),
                            [((p.first_month.year, p.first_month.month), p.months) for p in lines],
                            today or wib_today())


def expected(registration: Registration, first: tuple[int, int], months: int, funding: str | None = None,
             programme: Programme | None = None) -> int:
    """What the rule asks for these months; paid by a programme, for what the programme pays (its unit: JKK + JKM,
    or with JHT), as its committed amount counts it, whatever the worker took beside it."""
    programs = programme_units[programme.with_jht] if programme else registration.programs
    return rules.expected(registration.monthly_income, programs, funding or contribution.SELF,
                          tariff.is_transport(registration.occupation), first, months, tariff.excluded())


def field_errors(codes: dict[str, str]) -> dict[str, list[str]]:
    return {field: [str(PAYMENT_ERRORS[code])] for field, code in codes.items()}


def check_recorder(registration: Registration, user: User) -> None:
    if not may_see(user, registration):
        raise Refused(403, [_("Pendaftaran ini di luar wilayah Anda.")], registration)
    if user.role not in RECORDERS:
        raise Refused(403, [_("Peran Anda tidak boleh mencatat pembayaran.")], registration)
    if not has_kpj(registration):
        raise Refused(409, [_("Pembayaran hanya dapat dicatat untuk pekerja yang sudah punya KPJ.")], registration)


def same(registration: Registration, clean: rules.Clean) -> Payment | None:
    """The line already recorded for exactly this payment (a retried request, a file imported twice)."""
    return db.session.scalar(db.select(Payment).where(
        Payment.registration_id == registration.id, Payment.first_month == date(*clean.first_month, 1),
        Payment.months == clean.months, Payment.amount == clean.amount, Payment.paid_on == clean.paid_on).limit(1))


def lock(registration: Registration) -> None:
    """Hold the registration's row until the commit (PostgreSQL; SQLite has one writer at a time anyway)."""
    db.session.execute(db.select(Registration.id).where(Registration.id == registration.id).with_for_update())


@dataclass
class Recorded:
    payment: Payment
    created: bool  # False: the same payment was already in the ledger, nothing added


def record(registration: Registration, values: dict, user: User, source: str = "typed",
           today: date | None = None, note: str | None = None) -> Recorded:
    """One payment typed by a coordinator or sent to the API; raises Refused (403, 409, 422 with field errors)
    having changed nothing. The same payment twice is recorded once."""
    check_recorder(registration, user)
    clean, codes = rules.check(values, today or wib_today())
    if codes:
        messages = field_errors(codes)
        raise Refused(422, [m for ms in messages.values() for m in ms], registration, messages)
    lock(registration)  # two identical requests at once: the second waits, then finds the first's line
    existing = same(registration, clean)
    if existing is not None:
        return Recorded(existing, False)
    return Recorded(add(registration, clean, user, source, note=note), True)


def event_changes(clean: rules.Clean, source: str, expected_amount: int | None, mismatch: bool) -> dict:
    """A payment's history line (also written in bulk by the payment file's import)."""
    changes = {"first_month": contribution.month_text(clean.first_month), "months": clean.months,
               "amount": clean.amount, "channel": clean.channel, "source": source}
    if mismatch:
        changes["expected"] = expected_amount
    return changes


def add(registration: Registration, clean: rules.Clean, user: User | None, source: str,
        programme: Programme | None = None, note: str | None = None) -> Payment:
    """Put a checked payment in the ledger, with its expected amount, history line and audit."""
    funding = programme.payer if programme else (registration.funding if clean.channel == "budget"
                                                  else contribution.SELF)
    payment = Payment(registration_id=registration.id, first_month=date(*clean.first_month, 1),
                      months=clean.months, amount=clean.amount, paid_on=clean.paid_on, channel=clean.channel,
                      expected=expected(registration, clean.first_month, clean.months, funding, programme),
                      source=source,
                      programme_id=programme.id if programme else None, recorded_by=user.id if user else None,
                      note=(note or "").strip()[:500] or None)
    db.session.add(payment)
    end = rules.last_day_paid(clean.first_month, clean.months)
    # In SQL, against the row as it is now: a payment recorded meanwhile by another transaction is never undone.
    move_forward(Registration.__table__, "paid_through", {registration.id: end})
    db.session.expire(registration, ["paid_through"])
    changes = event_changes(clean, source, payment.expected, payment.mismatch)
    db.session.add(RegistrationEvent(registration_id=registration.id, user_id=user.id if user else None,
                                     kind="payment", changes=changes))
    if source != "imported":  # an import writes one audit line for the whole file
        audit.record("payment", registration, user_id=user.id if user else None, system=user is None,
                     **{k: v for k, v in changes.items() if k != "amount"})
    db.session.flush()
    return payment


def programme_month(programme: Programme, month: tuple[int, int], paid_on: date, user: User,
                    kecamatan: str | None = None) -> dict[str, int]:
    """Record `month` as paid by the programme for each member (of `kecamatan`, when given: a coordinator's) with
    a KPJ who does not have it yet. Returns the counts: added, already (had that month from the programme),
    waiting (no KPJ yet, nothing recorded)."""
    first = (programme.first_month.year, programme.first_month.month)
    index = contribution.add_months
    months = {index(first[0], first[1], n) for n in range(programme.months)}
    if month not in months:
        raise Refused(422, [_("Bulan ini di luar masa program.")], fields={"month": [_("Bulan ini di luar masa program.")]})
    # One at a time per programme (a double click): the second waits, then reads the first one's months.
    db.session.execute(db.select(Programme.id).where(Programme.id == programme.id).with_for_update())
    lines: dict[int, list] = {}
    for rid, f, n in db.session.execute(db.select(Payment.registration_id, Payment.first_month, Payment.months)
                                        .where(Payment.programme_id == programme.id)):
        lines.setdefault(rid, []).append(((f.year, f.month), n))
    covered = {rid for rid, runs in lines.items() if cover.month_index(month) in cover.paid_months(runs)}
    counts = {"added": 0, "already": 0, "waiting": 0}
    for r in db.session.scalars(members(programme.id, kecamatan).order_by(Registration.id)):
        if not has_kpj(r):
            counts["waiting"] += 1
        elif r.id in covered:
            counts["already"] += 1
        else:
            clean = rules.Clean(month, 1, expected(r, month, 1, programme.payer, programme), paid_on, "budget")
            add(r, clean, user, "programme", programme=programme)
            counts["added"] += 1
    audit.record("programme", user_id=user.id, kecamatan_code=kecamatan, programme=programme.id,
                 month=contribution.month_text(month), **counts)
    return counts

