"""Messages to workers: the templates, and the automatic queue that `flask messages send` and the
`send_messages` job (services/routines.py) work through, with one loop (send_due).

Texts are plain Indonesian whatever the officer's screen language (the worker reads them), and carry the status
link and never the NIK, birth date or address. Two ways to send, one set of texts: from the officer's phone
(wa.me / sms: links, logged as a contact) or automatically through the configured gateway (services/gateway.py).
Automatic messages go only to workers whose consent text named messages (MESSAGE_CONSENT_VERSIONS), who have a
phone and have not said "berhenti"; an imported worker gets none until an officer records their consent.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError

from outreach import labels
from outreach.domain import followup as rules
from outreach.domain.clock import local_day
from outreach.domain.money import format_rupiah
from outreach.domain.occupations import TRANSPORT
from outreach.extensions import db
from outreach.models import Message, Programme, Registration
from outreach.models.types import utcnow
from outreach.services import followup, gateway, receipts

EVENTS = ("returned", "kpj_issued", "first_payment_due", "ending_soon", "lapsed", "programme_ending")
# Consent texts that named "messages about the registration" (labels.CONSENT_TEXTS): earlier ones did not.
MESSAGE_CONSENT_VERSIONS = ("2026-12-v2",)
ENDING_SOON_DAYS = 14
RECENT_DAYS = 7  # a return or a KPJ older than this is not announced any more (the first run after deployment)
BATCH = 2000  # candidates per event and run: a timer every few minutes works through a large backlog


def first_name(r: Registration) -> str:
    return (r.full_name or "").split()[0].title() if r.full_name else ""


def money(amount: int) -> str:
    return format_rupiah(amount, "id")


def how_to_pay() -> str:
    return _("Bayar dengan NIK Anda sebagai kode bayar di bank, kantor pos, minimarket, aplikasi JMO, atau agen "
             "Perisai.")


def render(event: str, r: Registration, today: date, programme: Programme | None = None) -> str:
    """The text of one event for one worker, in Indonesian."""
    with force_locale("id"):
        due = rules.amount_due(r.monthly_income, r.programs, r.payment_period, r.paid_through, today,
                               r.occupation in TRANSPORT)
        amount = _("%(amount)s untuk %(months)s", amount=money(due.total), months=labels.month_count(due.months))
        link = receipts.status_url(r)
        hello = _("Halo %(name)s,", name=first_name(r))
        if event == "returned":
            why, todo = labels.reason_for_worker("returned", r.reason)
            body = _("pendaftaran BPJS Ketenagakerjaan Anda (%(number)s) perlu diperbaiki: %(why)s %(todo)s",
                     number=r.number, why=why, todo=todo)
        elif event == "kpj_issued":
            body = _("Anda sudah terdaftar sebagai peserta BPJS Ketenagakerjaan (%(number)s). Perlindungan mulai "
                     "setelah iuran pertama dibayar: %(amount)s. %(pay)s", number=r.number, amount=amount,
                     pay=how_to_pay())
        elif event == "first_payment_due":
            body = _("iuran pertama BPJS Ketenagakerjaan Anda belum dibayar, jadi Anda belum terlindungi. Iurannya "
                     "%(amount)s. %(pay)s", amount=amount, pay=how_to_pay())
        elif event == "ending_soon":
            body = _("perlindungan BPJS Ketenagakerjaan Anda berakhir %(date)s. Agar tetap terlindungi, bayar "
                     "%(amount)s. %(pay)s", date=format_date(r.paid_through, "d MMMM y"), amount=amount,
                     pay=how_to_pay())
        elif event == "lapsed":
            body = _("perlindungan BPJS Ketenagakerjaan Anda berhenti sejak %(date)s karena iuran belum dibayar. "
                     "Bayar %(amount)s untuk mengaktifkannya lagi; nomor KPJ Anda tetap sama. %(pay)s",
                     date=format_date((r.paid_through or today) + timedelta(days=1), "d MMMM y"), amount=amount,
                     pay=how_to_pay())
        elif event == "programme_ending":
            end = rules.programme_end(programme.first_month, programme.months) if programme else r.paid_through
            body = _("iuran BPJS Ketenagakerjaan Anda dibayar %(payer)s sampai %(date)s. Sesudah itu lanjutkan "
                     "sendiri agar tetap terlindungi: %(amount)s. %(pay)s",
                     payer=programme.name if programme else labels.FUNDING.get(r.funding, ""),
                     date=format_date(end, "d MMMM y"), amount=amount, pay=how_to_pay())
        else:
            raise ValueError(event)
        stop = _("Balas BERHENTI bila tidak ingin menerima pesan lagi.")
        return f"{hello} {body} {_('Status pendaftaran:')} {link} {stop}"


def event_for(r: Registration, today: date, list_name: str | None) -> str | None:
    """The message an officer can send this worker now, from their status and follow-up list."""
    if r.status == "returned":
        return "returned"
    if r.status != "active":
        return None
    return {"no_first_payment": "first_payment_due", "inactive": "lapsed", "in_arrears": "lapsed",
            "programme_ending": "programme_ending", "discount_ending": "ending_soon",
            "ending": "ending_soon"}.get(list_name) or ("kpj_issued" if r.paid_through is None else None)


def phone_links(r: Registration, text: str) -> dict[str, str]:
    """wa.me and sms: links that open the worker's chat with the text typed in (the officer taps send)."""
    if not r.phone:
        return {}
    return {"whatsapp": f"https://wa.me/{r.phone.lstrip('+')}?text={quote(text)}",
            "sms": f"sms:{r.phone}?body={quote(text)}"}


def may_message(query):
    """Registrations that automatic messages may go to."""
    return query.where(Registration.phone.is_not(None), Registration.messages_stopped_at.is_(None),
                       Registration.consent_version.in_(MESSAGE_CONSENT_VERSIONS))


@dataclass
class Candidate:
    registration: Registration
    ref: str
    programme: Programme | None = None


def candidates(event: str, today: date) -> list[Candidate]:
    """Who should get `event` today, with what the event is about (its `ref`, one message per ref)."""
    since = utcnow() - timedelta(days=RECENT_DAYS)
    if event == "returned":
        rows = db.session.scalars(may_message(db.select(Registration).where(
            Registration.status == "returned", Registration.updated_at >= since)).limit(BATCH))
        return [Candidate(r, f"v{r.version}") for r in rows]
    if event == "kpj_issued":
        rows = db.session.scalars(may_message(db.select(Registration).where(
            Registration.status == "active", Registration.kpj_at >= since, Registration.paid_through.is_(None)))
            .limit(BATCH))
        return [Candidate(r, local_day(r.kpj_at).isoformat()) for r in rows]
    scope, programmes = followup.Scope(), followup.ending_programmes(today)
    active = may_message(followup.base(scope, today))
    if event == "first_payment_due":
        rows = db.session.scalars(active.where(followup.conditions("no_first_payment", today, programmes)).limit(BATCH))
        return [Candidate(r, local_day(r.kpj_at).isoformat()) for r in rows]
    if event == "ending_soon":
        rows = db.session.scalars(active.where(Registration.paid_through >= today, Registration.paid_through <=
                                               today + timedelta(days=ENDING_SOON_DAYS),
                                               or_(Registration.programme_id.is_(None),
                                                   Registration.programme_id.not_in(list(programmes) or [0])))
                                  .limit(BATCH))
        return [Candidate(r, r.paid_through.isoformat()) for r in rows]
    if event == "lapsed":
        rows = db.session.scalars(active.where(followup.conditions("inactive", today, programmes)).limit(BATCH))
        return [Candidate(r, r.paid_through.isoformat()) for r in rows]
    if event == "programme_ending":
        rows = db.session.scalars(active.where(followup.conditions("programme_ending", today, programmes)).limit(BATCH))
        return [Candidate(r, f"p{r.programme_id}", db.session.get(Programme, r.programme_id)) for r in rows]
    raise ValueError(event)


def enqueue(today: date) -> dict[str, int]:
    """Queue every message due today that is not queued yet (the unique index holds against a second run)."""
    made = {}
    for event in EVENTS:
        found = candidates(event, today)
        ids = [c.registration.id for c in found]
        known = set(db.session.execute(db.select(Message.registration_id, Message.ref).where(
            Message.event == event, Message.registration_id.in_(ids))).all()) if ids else set()
        made[event] = 0
        for c in found:
            if (c.registration.id, c.ref) in known:
                continue
            message = Message(registration_id=c.registration.id, event=event, ref=c.ref, to=c.registration.phone,
                              text=render(event, c.registration, today, c.programme), state="queued",
                              attempts=0, next_attempt_at=utcnow())
            try:
                with db.session.begin_nested():
                    db.session.add(message)
                    db.session.flush()
                made[event] += 1
            except IntegrityError:  # another run queued it a moment ago
                pass
    return made


CLAIM = timedelta(minutes=15)  # a claimed message is not taken by another run for this long


def claim_due(now: datetime, limit: int = 100) -> list[int]:
    """Ids of queued messages due now, each claimed (its next attempt pushed back) so that two runs at once do not
    both send it; the caller commits the claim before sending."""
    ids = db.session.scalars(db.select(Message.id).where(Message.state == "queued", Message.next_attempt_at <= now)
                             .order_by(Message.next_attempt_at, Message.id).limit(limit)).all()
    claimed = []
    for message_id in ids:
        if db.session.execute(db.update(Message).where(Message.id == message_id, Message.state == "queued",
                                                       Message.next_attempt_at <= now)
                              .values(next_attempt_at=now + CLAIM)).rowcount == 1:
            claimed.append(message_id)
    return claimed


def deliver(message_id: int, gw, now: datetime, max_attempts: int, retry_seconds: int) -> str:
    """Send one claimed message; its new state. A failure waits retry_seconds × 2^(attempts − 1) before the
    next try; after max_attempts it is `failed`. A worker who said "berhenti" meanwhile gets nothing."""
    message = db.session.get(Message, message_id)
    r = db.session.get(Registration, message.registration_id)
    if r is None or r.messages_stopped_at is not None or r.status == "erased" or not message.to:
        message.state, message.last_error = "failed", "stopped"
        return message.state
    result = gw.send(gateway.Outgoing(id=message.id, to=message.to, text=message.text or "", event=message.event,
                                      registration=r.number))
    message.attempts += 1
    if result.ok:
        message.state, message.sent_at, message.last_error = "sent", now, None
    else:
        message.last_error = (result.error or "")[:200]
        if message.attempts >= max_attempts:
            message.state = "failed"
        else:
            message.next_attempt_at = now + timedelta(seconds=retry_seconds * 2 ** (message.attempts - 1))
    return message.state


def missing_setting(cfg, queue_only: bool = False) -> str | None:
    """What keeps automatic messages from leaving: "gateway" (no MESSAGE_GATEWAY_URL; queuing needs none),
    "public_url" (no PUBLIC_BASE_URL: the texts carry the status link), or None."""
    if not queue_only and not cfg.get("MESSAGE_GATEWAY_URL"):
        return "gateway"
    if not cfg.get("PUBLIC_BASE_URL"):
        return "public_url"
    return None


def send_due(cfg, today: date, limit: int, queue_only: bool, checkpoint: Callable[[int, int | None], None]) -> dict:
    """Queue the messages due today, then send queued ones due now (at most `limit`); counts only, never who.

    `checkpoint(sent so far, how many are due)` commits (a command's db.session.commit, a job's report): it is
    called once the queue is made, after each claim (before anything leaves) and after each message (its fate at
    once), so that neither a second run nor a crash ever sends a message twice."""
    with current_app.test_request_context("/"):  # the texts' links are built with no request to build them on
        made = enqueue(today)
    due = None if queue_only else min(limit, db.session.scalar(db.select(db.func.count(Message.id)).where(
        Message.state == "queued", Message.next_attempt_at <= utcnow())))
    checkpoint(0, due)
    summary = {"queued": made}
    if queue_only:
        return summary
    gw, states = gateway.from_config(cfg), {"sent": 0, "queued": 0, "failed": 0}
    while (done := sum(states.values())) < limit:
        batch = claim_due(utcnow(), min(100, limit - done))
        checkpoint(done, due)  # the claim, before anything leaves
        if not batch:
            break
        for message_id in batch:
            states[deliver(message_id, gw, utcnow(), cfg["MESSAGE_MAX_ATTEMPTS"], cfg["MESSAGE_RETRY_SECONDS"])] += 1
            done += 1
            checkpoint(done, max(due, done))  # this message's fate, at once
    return summary | {"sent": states["sent"], "to_retry": states["queued"], "failed": states["failed"]}


def stop(phone: str) -> int:
    """A worker's "berhenti" from this number: no more automatic messages to any registration with it."""
    return db.session.execute(db.update(Registration).where(
        Registration.phone == phone, Registration.messages_stopped_at.is_(None)).values(
        messages_stopped_at=utcnow())).rowcount
