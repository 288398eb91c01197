"""The deployment's district (DISTRICT_CODE and the settings that follow from it), built once by the factory
and read through current(): scopes, checks, number prefix, and the names pages and messages give it."""
from flask import current_app

from outreach.domain.district import District, district
from outreach.domain.nik import region_codes
from outreach.domain.numbers import format_number
from outreach.domain.regions import district_villages


def init_app(app) -> None:
    """Build the District from the settings (a wrong code stops the app at start, not on the first page) and
    fill the settings whose default depends on it."""
    cfg = app.config
    try:
        here = district(cfg["DISTRICT_CODE"], cfg.get("NUMBER_PREFIX"), cfg.get("COVERAGE_BASELINE_PCT"),
                        cfg.get("COVERAGE_BASELINE_SOURCE"))
    except ValueError as problem:
        raise RuntimeError(str(problem)) from None
    app.extensions["district"] = here
    # The shipped lists every registration is checked against (the district's desa, the country's codes in a
    # NIK), read here once per process: not by each server worker's first registration (~0.2 s of CPU and wait).
    district_villages(here.code)
    region_codes()
    cfg["NUMBER_PREFIX"] = here.number_prefix
    if not cfg.get("OFFICE_NAME"):
        cfg["OFFICE_NAME"] = f"Pemerintah {here.name}"
    app.context_processor(lambda: {"district": current()})


def current() -> District:
    return current_app.extensions["district"]


def example_number() -> str:
    """A registration number as this deployment prints them, for hints: "BS-2611-000123"."""
    return format_number(current().number_prefix, "2611", 123)
