"""The contribution rules (outreach/domain/contribution.py) with this district's settings applied: whether
APBDes-paid contributions get the PP 50/2025 discount (APBDES_DISCOUNTED) and whether inter-island boatmen count
as transport (BOAT_TRANSPORT). Every figure the app shows or checks goes through here, the browser's included."""
from datetime import date

from flask import current_app

from outreach.domain import contribution as rules
from outreach.domain import occupations


def excluded() -> tuple[str, ...]:
    """The payers without the PP 50/2025 discount."""
    return rules.undiscounted(current_app.config.get("APBDES_DISCOUNTED", False))


def transport_codes() -> frozenset[str]:
    return occupations.transport_codes(current_app.config.get("BOAT_TRANSPORT", False))


def is_transport(occupation: str | None) -> bool:
    return occupation in transport_codes()


def contribution_for(income: int, programs, months: int, start: date, funding: str,
                     occupation: str | None) -> rules.Contribution:
    return rules.contribution_for(income, programs, months, start, funding, transport=is_transport(occupation),
                                  excluded=excluded())


def browser_rules(start: date) -> dict:
    return rules.browser_rules(start, excluded=excluded(), transport=transport_codes())
