"""The administrator's user management: create, edit, deactivate, reset passwords."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from outreach.admin.forms import NewUserForm, ResetPasswordForm, UserForm
from outreach.domain.phone import normalise_mobile
from outreach.extensions import db
from outreach.models import Region, User
from outreach.security import rerender_on_csrf_error, role_required
from outreach.services import login_sessions

bp = Blueprint("admin", __name__)


def kecamatan_choices():
    return [SelectChoice("", _l("— tidak ada —"))] + [SelectChoice(r.code, r.name) for r in Region.kecamatan_of_district()]


def get_user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.get("/pengguna")
@role_required("admin")
def users():
    rows = db.session.scalars(db.select(User).order_by(User.active.desc(), User.role, User.username)).all()
    names = {r.code: r.name for r in Region.kecamatan_of_district()}
    return render_template("admin/users.html", users=rows, kecamatan_names=names)


@bp.route("/pengguna/baru", methods=["GET", "POST"])
@role_required("admin")
@rerender_on_csrf_error
def create_user():
    form = NewUserForm()
    form.kecamatan_code.choices = kecamatan_choices()
    if form.validate_on_submit():
        if db.session.scalar(db.select(User.id).where(User.username == form.username.data)):
            form.username.errors.append(_("Nama pengguna ini sudah dipakai."))
        else:
            user = User(username=form.username.data)
            apply(form, user)
            user.set_password(form.new_password.data)
            db.session.add(user)
            db.session.commit()
            flash(_("Pengguna %(name)s sudah dibuat.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/pengguna/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
@rerender_on_csrf_error
def edit_user(user_id: int):
    user = get_user(user_id)
    form = UserForm(obj=user)
    form.kecamatan_code.choices = kecamatan_choices()
    if form.validate_on_submit():
        if user.id == current_user.id and (not form.active.data or form.role.data != "admin"):
            form.active.errors.append(_("Anda tidak dapat menonaktifkan atau menurunkan peran akun Anda sendiri."))
        else:
            was_active = user.active
            apply(form, user)
            if was_active and not user.active:
                login_sessions.end_all(user)  # logs the account out everywhere
            db.session.commit()
            flash(_("Perubahan untuk %(name)s sudah disimpan.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_user(form, user, ResetPasswordForm(formdata=None, prefix="reset"))


def render_user(form: UserForm, user: User, reset_form: ResetPasswordForm, status: int = 200):
    return render_template("admin/user_form.html", form=form, user=user, reset_form=reset_form,
                           open_sessions=len(login_sessions.open_sessions(user))), status


@bp.post("/pengguna/<int:user_id>/kata-sandi")
@role_required("admin")
@rerender_on_csrf_error
def reset_password(user_id: int):
    user = get_user(user_id)
    reset_form = ResetPasswordForm(prefix="reset")
    if reset_form.validate_on_submit():
        user.set_password(reset_form.new_password.data)
        login_sessions.end_all(user)  # whoever knew the old one is logged out too
        db.session.commit()
        flash(_("Kata sandi %(name)s sudah diatur ulang.", name=user.username), "success")
        return redirect(url_for("admin.users"))
    form = UserForm(obj=user, formdata=None)
    form.kecamatan_code.choices = kecamatan_choices()
    return render_user(form, user, reset_form, 422)


@bp.post("/pengguna/<int:user_id>/sesi")
@role_required("admin")
def end_sessions(user_id: int):
    """Logs an account out on every device: a lost or stolen phone, an officer who left."""
    user = get_user(user_id)
    login_sessions.end_all(user)
    db.session.commit()
    flash(_("%(name)s sudah dikeluarkan dari semua perangkat.", name=user.username), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


def apply(form: UserForm, user: User) -> None:
    user.full_name = form.full_name.data.strip()
    user.phone = normalise_mobile(form.phone.data or "")  # E.164, as workers' numbers are kept; None when empty
    user.role = form.role.data
    user.kecamatan_code = form.kecamatan_code.data or None
    user.active = form.active.data
