"""What the status page tells a worker about paying: who pays until when, and what the worker pays next.

Sources (data/bpu_rules.md, "Protection, payment and lapse"): sponsored cohorts are time-bound, so a programme's
member reads the month it pays to and what they pay after it; a self-payer reads the next bill month by month,
because the PP 50/2025 discount's end doubles it (domain/followup.amount_due).
"""
from dataclasses import dataclass
from datetime import date

from outreach.domain import contribution, followup
from outreach.services import tariff


@dataclass(frozen=True)
class Plan:
    payer: str | None  # the programme paying for the worker, in words (its funder, else its name)
    payer_until: date | None  # the last day the programme pays for
    due: followup.Due  # what the worker pays next: after the programme when one is still paying
    runs: list  # due's months as contribution.Run (two or more when the amount changes within them)
    paying: bool = False  # the programme still pays (else it has ended, or there is none)
    payer_from: date | None = None  # the programme's first month, while it has not begun

    @property
    def changes_after(self) -> bool:
        """The month after the period costs something else (the discount ends with it)."""
        return bool(self.runs) and self.runs[-1].amount != self.due.monthly_after


def plan(r, today: date) -> Plan:
    """`r`: the page's row (status/query.py), its programme's columns beside the registration's."""
    payer = until = starts = None
    paying = False
    paid_through = r.paid_through
    if r.programme_id is not None:
        payer = r.programme_funder_name or r.programme_name
        until = followup.programme_end(r.programme_first_month, r.programme_months)
        paying = until >= today
        starts = r.programme_first_month if r.programme_first_month > today else None
        if paying:  # the worker's own bill starts the month after the programme's last
            paid_through = max(paid_through or until, until)
    due = followup.amount_due(r.monthly_income, r.programs, r.payment_period, paid_through, today,
                              tariff.is_transport(r.occupation))
    return Plan(payer, until, due, contribution.runs(due.first, due.by_month), paying, starts)
