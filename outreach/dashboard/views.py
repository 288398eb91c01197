"""The coverage dashboard: where the district stands against its informal workers, from the 21% baseline."""
from datetime import datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from outreach.enroll.service import LOCAL_TZ
from outreach.extensions import db
from outreach.models import CoverageTarget, Region, Registration, User
from outreach.review.forms import TargetForm
from outreach.review.service import counts_by_status, Filters, local_midnight, scoped
from outreach.security import rerender_on_csrf_error, role_required

bp = Blueprint("dashboard", __name__)
BASELINE = 21  # % of Bangka Selatan's workers covered in October 2024 (data/SOURCES.md)
WEEKS = 12


def me():
    return current_user._get_current_object()


def live_counts(group_column):
    """Registrations that are not rejected, by a column, in the user's scope."""
    query = scoped(me()).where(Registration.status != "rejected").with_only_columns(
        group_column, db.func.count()).group_by(group_column)
    return dict(db.session.execute(query).all())


def regions_in_scope():
    """Coordinators: their kecamatan's desa. Admins: the eight kecamatan."""
    if current_user.has_role("coordinator"):
        regions = db.session.scalars(db.select(Region).where(Region.parent_code == current_user.kecamatan_code)
                                     .order_by(Region.name)).all()
        return regions, Registration.village_code
    return Region.kecamatan_of_district(), Registration.kecamatan_code


@bp.route("/dasbor", methods=["GET", "POST"])
@role_required("coordinator", "admin")
@rerender_on_csrf_error
def show():
    regions, column = regions_in_scope()
    form = TargetForm()
    form.region_code.choices = [SelectChoice(r.code, r.name) for r in regions]
    if form.validate_on_submit():
        if form.region_code.data not in {r.code for r in regions}:
            form.region_code.errors = [_("Pilih wilayah dari daftar.")]
        else:
            target = db.session.get(CoverageTarget, form.region_code.data) or CoverageTarget(region_code=form.region_code.data)
            target.informal_workers, target.updated_by = form.informal_workers.data, current_user.id
            db.session.add(target)
            db.session.commit()
            flash(_("Target tersimpan."), "success")
            return redirect(url_for("dashboard.show"))
    enrolled, active = live_counts(column), dict(db.session.execute(
        scoped(me()).where(Registration.status == "active").with_only_columns(column, db.func.count())
        .group_by(column)).all())
    targets = dict(db.session.execute(db.select(CoverageTarget.region_code, CoverageTarget.informal_workers)
                                      .where(CoverageTarget.region_code.in_([r.code for r in regions]))).all())
    coverage = [{"region": r, "enrolled": enrolled.get(r.code, 0), "active": active.get(r.code, 0),
                 "target": targets.get(r.code),
                 "pct": round(100 * enrolled.get(r.code, 0) / targets[r.code], 1) if targets.get(r.code) else None}
                for r in regions]
    return render_template("dashboard/show.html", form=form, baseline=BASELINE, coverage=coverage,
                           statuses=counts_by_status(me(), Filters()), occupations=live_counts(Registration.occupation),
                           funding=live_counts(Registration.funding), officers=by_officer(), weeks=weekly())


def by_officer():
    now = datetime.now(LOCAL_TZ)
    week_start = local_midnight((now - timedelta(days=now.weekday())).date())
    month_start = local_midnight(now.date().replace(day=1))
    rows = []
    for label, since in (("week", week_start), ("month", month_start)):
        query = scoped(me()).where(Registration.created_at >= since).with_only_columns(
            Registration.officer_id, db.func.count()).group_by(Registration.officer_id)
        rows.append(dict(db.session.execute(query).all()))
    ids = set(rows[0]) | set(rows[1])
    names = dict(db.session.execute(db.select(User.id, User.full_name).where(User.id.in_(ids))).all()) if ids else {}
    return sorted(((names[i], rows[0].get(i, 0), rows[1].get(i, 0)) for i in ids), key=lambda r: (-r[2], r[0]))


def weekly():
    """Registrations per week (Monday first) over the last WEEKS weeks, oldest first."""
    today = datetime.now(LOCAL_TZ).date()
    first = today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    day = db.func.date(Registration.created_at)
    query = scoped(me()).where(Registration.created_at >= local_midnight(first)).with_only_columns(
        day, db.func.count()).group_by(day)
    weeks = [[first + timedelta(weeks=i), 0] for i in range(WEEKS)]
    for value, count in db.session.execute(query).all():
        when = value if not isinstance(value, str) else datetime.fromisoformat(value).date()
        index = min(max((when - first).days // 7, 0), WEEKS - 1)
        weeks[index][1] += count
    return weeks
