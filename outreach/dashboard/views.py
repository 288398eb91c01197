"""The coverage dashboard: where the district stands against its informal workers, from its baseline (21% in
Bangka Selatan, October 2024: COVERAGE_BASELINE_PCT), with the population as context where no target is set."""
from datetime import date, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from outreach import district
from outreach.dashboard.forms import TargetForm
from outreach.domain import coverage, workflow
from outreach.domain.clock import local_today
from outreach.domain.coverage import Counts
from outreach.extensions import db
from outreach.models import CoverageTarget, Region
from outreach.replica import reads_from_replica
from outreach.security import rerender_on_csrf_error, role_required
from outreach.services import dashboard, jobs

bp = Blueprint("dashboard", __name__)


def me():
    return current_user._get_current_object()


def scope():
    """(kecamatan or None, the regions to chart).

    Coordinators see the desa of their kecamatan; admins see the district's kecamatan, or one kecamatan's
    desa when they choose it."""
    chosen = current_user.kecamatan_code if current_user.has_role("coordinator") else request.args.get("kecamatan")
    kecamatan = db.session.get(Region, chosen) if chosen else None
    if kecamatan is None or kecamatan.parent_code != district.current().code:
        return None, Region.kecamatan_of_district()
    desa = db.session.scalars(db.select(Region).where(Region.parent_code == kecamatan.code).order_by(Region.name)).all()
    return kecamatan, desa


def coverage_rows(regions, kecamatan, by_desa: dict):
    """Coverage of each region, and of the chosen kecamatan as a whole.

    Numerator and denominator always cover the same desa: a region with its own target counts all its
    registrations against it; a kecamatan without one counts only the registrations of its desa that have a
    target, against the sum of those targets (and says how many desa that is). Counting every desa's
    registrations against some desa's targets would overstate coverage. The percentage counts the protected
    (domain/coverage.py); registered and KPJ stand beside it.
    """
    here = district.current().code
    targets = dict(db.session.execute(db.select(CoverageTarget.region_code, CoverageTarget.informal_workers)
                                      .where(CoverageTarget.region_code.like(here + ".%"))).all())
    desa_of = {}  # kecamatan code -> its desa codes
    for code in db.session.scalars(db.select(Region.code).where(Region.level == "village",
                                                                 Region.code.like(here + ".%"))):
        desa_of.setdefault(code[:8], []).append(code)

    def row(region):
        desa = desa_of.get(region.code, [region.code])  # a desa is its own only desa
        target, counted, with_target = targets.get(region.code), desa, None
        if not target and region.code in desa_of:  # a kecamatan without a target of its own
            targeted = [d for d in desa if d in targets]
            if sum(targets[d] for d in targeted):
                counted, target = targeted, sum(targets[d] for d in targeted)
                with_target = (len(targeted), len(desa))
        n = coverage.add_up(by_desa.get(d, Counts()) for d in counted)
        return {"region": region, "enrolled": n.registered, "active": n.kpj, "protected": n.protected,
                "target": target, "with_target": with_target, "pct": coverage.coverage(n, target)}

    return [row(r) for r in regions], (row(kecamatan) if kecamatan else None)


@bp.route("/dasbor", methods=["GET", "POST"])
@role_required("coordinator", "admin")
@rerender_on_csrf_error
@reads_from_replica
def show():
    kecamatan, regions = scope()
    form = TargetForm()
    status = 200
    choices = ([kecamatan] if kecamatan else []) + list(regions)
    form.region_code.choices = [SelectChoice(r.code, r.name) for r in choices]
    if form.validate_on_submit():
        if form.region_code.data not in {r.code for r in choices}:
            form.region_code.errors = [_("Pilih wilayah dari daftar.")]
        else:
            target = db.session.get(CoverageTarget, form.region_code.data) or CoverageTarget(region_code=form.region_code.data)
            target.informal_workers, target.updated_by = form.informal_workers.data, current_user.id
            db.session.add(target)
            db.session.commit()
            flash(_("Target tersimpan."), "success")
            drilled = kecamatan.code if kecamatan and current_user.has_role("admin") else None
            return redirect(url_for("dashboard.show", kecamatan=drilled))
    if form.is_submitted():
        status = 422  # like every other form: the errors are next to the fields
    figures, job = dashboard.figures(me(), local_today())
    db.session.commit()  # a snapshot kept, or the refresh asked for
    if job:
        jobs.dispatch(job)
    counts = coverage.fold(figures["groups"])
    rows, total = coverage_rows(regions, kecamatan, counts.by_desa)
    here = district.current()
    return render_template("dashboard/show.html", form=form, baseline=here.baseline_pct,
                           baseline_source=here.baseline_source, coverage=rows, total=total,
                           population=population_context(rows, total, kecamatan), uses=figures["uses"],
                           kecamatan=kecamatan, statuses={s: counts.statuses.get(s, 0) for s in workflow.STATUSES},
                           occupations=counts.occupations, funding=counts.funding, counted_at=datetime.fromisoformat(figures["at"]),
                           officers=figures["officers"],
                           weeks=[(date.fromisoformat(start), n) for start, n in figures["weeks"]]), status


def population_context(rows, total, kecamatan) -> dict | None:
    """Where no target is set at all, the district's population (Dukcapil, December 2024) says what the counts
    stand against; per 1,000 inhabitants only for the whole district (the population is the regency's)."""
    here = district.current()
    if not here.population or any(c["target"] for c in rows) or (total and total["target"]):
        return None
    enrolled = sum(c["enrolled"] for c in rows) if kecamatan is None else None
    return {"people": here.population, "enrolled": enrolled,
            "per_mille": round(1000 * enrolled / here.population, 2) if enrolled is not None else None}
