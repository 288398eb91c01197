"""Workers with a KPJ and payments, written straight to the tables (the payment pages are another issue's):
paid_through is kept equal to the last month their Payment rows cover, as the payment services keep it."""
from datetime import date, datetime, timezone

from outreach.domain.contribution import contribution_for
from outreach.domain.followup import programme_end
from outreach.extensions import db
from outreach.models import Payment, Programme, Registration
from tests.review_helpers import bulk_rows


def month_start(d: date) -> date:
    return date(d.year, d.month, 1)


def add_months(d: date, n: int) -> date:
    i = d.year * 12 + d.month - 1 + n
    return date(i // 12, i % 12 + 1, 1)


def paid_worker(app, officer_id, i, paid=None, kpj_at=datetime(2026, 1, 5, tzinfo=timezone.utc), **overrides) -> str:
    """One active worker (number BT-<i>); `paid` = (first month, months) of one payment, or None."""
    figure = contribution_for(1_000_000, ["JKK", "JKM"], 1, date(2026, 1, 5)).as_dict() | {"start": "2026-01-05"}
    fields = {"status": "active", "kpj": f"{10_000_000_000 + i}", "kpj_at": kpj_at, "contribution": figure,
              "consent_version": "2026-12-v2", **overrides}
    number = bulk_rows(app, officer_id, 1, start=i, **fields)[0]
    with app.test_request_context():  # every registration has its receipt (the status link of messages)
        from outreach.services import receipts
        receipts.issue(db.session.scalar(db.select(Registration).where(Registration.number == number)), officer_id)
        db.session.commit()
    if paid:
        pay(app, number, *paid)
    return number


def pay(app, number, first: date, months: int, programme_id=None) -> None:
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        db.session.add(Payment(registration_id=r.id, first_month=first, months=months, amount=16_800 * months,
                               paid_on=first, channel="budget" if programme_id else "bank",
                               source="programme" if programme_id else "typed", programme_id=programme_id))
        end = programme_end(first, months)
        r.paid_through = max(r.paid_through, end) if r.paid_through else end
        db.session.commit()


def programme(app, first_month=date(2025, 8, 1), months=6, payer="apbd_kabupaten", name="APBD 2025") -> int:
    with app.app_context():
        p = Programme(name=name, payer=payer, first_month=first_month, months=months, budget=1_768 * 16_800 * 6)
        db.session.add(p)
        db.session.commit()
        return p.id
