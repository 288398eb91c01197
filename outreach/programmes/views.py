"""Funding programmes (*program pembiayaan*): admins record them; admins and the coordinators of their kecamatan
see their members, what they commit against the budget, and export the member list for the funder and the
branch's invoice."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.inputs import as_int
from outreach.models import Programme, Region
from outreach.programmes.forms import kecamatan_quotas, programme_form, quota_field
from outreach.security import rerender_on_csrf_error, role_required
from outreach.services import export_jobs, exports, jobs, programmes

bp = Blueprint("programmes", __name__)
PAGE = 100


def area() -> str | None:
    """The kecamatan whose members the user sees: a coordinator's own; None (all) for an admin."""
    return current_user.kecamatan_code if current_user.has_role("coordinator") else None


def get_programme(programme_id: int) -> Programme:
    """The programme, if the user may see it: admins all, coordinators those open to their kecamatan."""
    programme = db.session.get(Programme, programme_id) or abort(404)
    if area() and not programmes.applies_to(programme, area()):
        abort(403)
    return programme


@bp.get("/program")
@role_required("coordinator", "admin")
def index():
    rows = db.session.scalars(db.select(Programme).options(selectinload(Programme.quotas))
                              .order_by(Programme.first_month.desc(), Programme.name)).all()
    rows = [p for p in rows if not area() or programmes.applies_to(p, area())]
    members = programmes.counts()
    counts = {p.id: members.get(p.id, 0) for p in rows}
    return render_template("programmes/index.html", programmes=rows, counts=counts,
                           spans={p.id: (programmes.first_of(p), programmes.last_of(p)) for p in rows},
                           states={p.id: programmes.state_of(p, local_today()) for p in rows})


def form_page(programme: Programme | None):
    kecamatan = Region.kecamatan_of_district()
    form = programme_form(kecamatan, obj=programme) if request.method == "GET" and programme else programme_form(kecamatan)
    if request.method == "GET" and programme:
        form.first_month.data = programme.first_month.strftime("%Y-%m")
        form.with_jht.data = "1" if programme.with_jht else "0"
        form.quota.data = "" if programme.quota is None else str(programme.quota)
        for q in programme.quotas:
            form[quota_field(q.kecamatan_code)].data = str(q.quota)
    if request.method == "POST":
        valid = form.validate_on_submit()
        quotas, quotas_ok = kecamatan_quotas(form)
        if valid and quotas_ok and not refused(form, programme, quotas):
            saved = programmes.save(programme, form.values(), quotas, current_user.id)
            db.session.commit()
            flash(_("Program %(name)s tersimpan.", name=saved.name), "success")
            return redirect(url_for("programmes.show", programme_id=saved.id))
    return render_template("programmes/form.html", form=form, programme=programme, quota_field=quota_field), 200 if request.method == "GET" else 422


def refused(form, programme: Programme | None, quotas: dict[str, int]) -> bool:
    """What a programme with members may not become: another payer (its members' payer is recorded), or quotas
    below the members it has. The errors go next to their fields."""
    values = form.values()
    problems = False
    if programme and programme.payer != values["payer"] and programmes.count(programme.id):
        form.payer.errors = [_("Program ini sudah punya anggota: pembayarnya tidak dapat diganti.")]
        problems = True
    for code, members in programmes.too_small(programme, values["quota"], quotas).items():
        field = form.quota if code is None else form[quota_field(code)]
        field.errors = [_("Lebih kecil dari jumlah anggota sekarang (%(n)s).", n=members)]
        problems = True
    return problems


@bp.route("/program/baru", methods=["GET", "POST"])
@role_required("admin")
@rerender_on_csrf_error
def create():
    return form_page(None)


@bp.route("/program/<int:programme_id>/ubah", methods=["GET", "POST"])
@role_required("admin")
@rerender_on_csrf_error
def edit(programme_id: int):
    return form_page(get_programme(programme_id))


@bp.get("/program/<int:programme_id>")
@role_required("coordinator", "admin")
def show(programme_id: int):
    programme = get_programme(programme_id)
    after = as_int(request.args.get("setelah"))
    rows = list(programmes.member_rows(programme, area(), after, PAGE + 1))
    names = {r.code: r.name for r in Region.kecamatan_of_district()}
    return render_template("programmes/show.html", programme=programme, members=rows[:PAGE],
                           next_after=rows[PAGE - 1].registration.id if len(rows) > PAGE else None,
                           total=programmes.summary(programme), mine=programmes.count(programme.id, area()) if area() else None,
                           state=programmes.state_of(programme, local_today()), names=names, today=local_today(),
                           first=programmes.first_of(programme), last=programmes.last_of(programme))


@bp.get("/program/<int:programme_id>/anggota.<fmt>")
@role_required("coordinator", "admin")
def export_members(programme_id: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    programme = get_programme(programme_id)
    event_id = programmes.start_export(programme, area(), fmt, current_user)
    if programmes.count(programme.id, area()) > current_app.config["EXPORT_INLINE_ROWS"]:
        job = jobs.create("export_programme", {"programme": programme.id, "kecamatan": area(), "format": fmt,
                                               "event": event_id}, current_user.id,
                          filename=exports.filename(f"program-{programme.id}", fmt), mimetype=export_jobs.MIMETYPES[fmt])
        db.session.commit()
        jobs.dispatch(job.id)
        return redirect(url_for("tasks.show", job_id=job.id))
    db.session.commit()  # recorded before the first byte leaves

    def done(n: int) -> None:
        exports.record_rows(event_id, n)
        db.session.commit()
    return programmes.export(programme, area(), fmt, done)
