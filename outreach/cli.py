"""Flask commands: `users`, `regions`, `programmes`, `retention` and `demo` (`cohort` and `messages`: cli_followup.py;
`jobs`: cli_jobs.py; `payments`: cli_payments.py)."""
import secrets
import socket
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from outreach import demo as demo_data
from outreach import district
from outreach.cli_jobs import run_as_job
from outreach.domain.accounts import MIN_PASSWORD, ROLES, ROLES_WITH_KECAMATAN, normalise_username, valid_username
from outreach.domain.clock import local_today
from outreach.domain.contribution import FUNDING, FUNDING_ALIASES, SELF, parse_month
from outreach.domain.money import parse_rupiah
from outreach.domain.phone import normalise_mobile
from outreach.extensions import db
from outreach.models import Programme, Region, User
from outreach.services import login_sessions, programmes, routines
from outreach.services import counts as kept_counts
from outreach.services.regions import load_regions

users_cli = AppGroup("users", help="Manage accounts.")
regions_cli = AppGroup("regions", help="Kemendagri region lists.")
retention_cli = AppGroup("retention", help="Erase personal data whose retention has ended (UU PDP).")
programmes_cli = AppGroup("programmes", help="Funding programmes: a budget paying a cohort's contributions.")

DEMO_ACCOUNTS = (
    # username, password, role, full name, whether tied to the district's first kecamatan (Toboali in Bangka
    # Selatan; not every regency has a kecamatan 01)
    ("petugas", "petugas-demo", "officer", "Petugas Demo", True),
    ("koordinator", "koordinator-demo", "coordinator", "Koordinator Demo", True),
    ("admin", "admin-demo", "admin", "Admin Demo", False),
)


def kecamatan_code(value: str | None) -> str | None:
    """Accept "19.03.01", "190301" or "01"; the code must be one of the district's kecamatan (DISTRICT_CODE)."""
    if not value:
        return None
    here = district.current()
    digits = "".join(c for c in value if c.isdigit())
    code = {2: f"{here.code}.{digits}", 6: f"{digits[:2]}.{digits[2:4]}.{digits[4:]}"}.get(len(digits), value)
    region = db.session.get(Region, code)
    if region is None or region.parent_code != here.code:
        names = ", ".join(f"{r.code} {r.name}" for r in Region.kecamatan_of_district())
        raise click.BadParameter(f"not a kecamatan of {here.name} (run `regions load` first?). Known: {names}")
    return code


def save_user(username, password, role, name, phone, kecamatan) -> User:
    username = normalise_username(username)
    if not valid_username(username):
        raise click.BadParameter("use 3-40 lowercase letters, digits, '.', '_' or '-'", param_hint="USERNAME")
    if len(password) < MIN_PASSWORD:
        raise click.BadParameter(f"at least {MIN_PASSWORD} characters", param_hint="--password")
    if phone and normalise_mobile(phone) is None:
        raise click.BadParameter("an Indonesian mobile number, e.g. 0812-3456-7890", param_hint="--phone")
    user = db.session.scalar(db.select(User).where(User.username == username))
    # Updating an account keeps what the command does not say again (name, phone, kecamatan).
    code = kecamatan_code(kecamatan) or (user.kecamatan_code if user else None)
    if role not in ROLES_WITH_KECAMATAN:
        code = None
    elif not code:
        raise click.BadParameter(f"a {role} needs --kecamatan", param_hint="--kecamatan")
    if user is None:
        user = User(username=username)
        db.session.add(user)
    user.full_name = name or user.full_name or username
    user.role, user.kecamatan_code, user.active = role, code, True
    user.phone = normalise_mobile(phone) if phone else user.phone
    user.set_password(password)
    if user.id is not None:  # an existing account: its sessions end with its old password
        login_sessions.end_all(user)
    db.session.commit()
    return user


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", required=True, help=f"At least {MIN_PASSWORD} characters.")
@click.option("--name", help="Full name (defaults to the username).")
@click.option("--phone")
@click.option("--kecamatan", help="Kecamatan code of the district, e.g. 19.03.01 or 01 (Toboali in Bangka Selatan); "
                                   "required for officers and coordinators.")
def create_user(username, role, password, name, phone, kecamatan):
    """Create an account, or update it if the username exists."""
    user = save_user(username, password, role, name, phone, kecamatan)
    click.echo(f"saved {user.username} ({user.role}{', ' + user.kecamatan_code if user.kecamatan_code else ''})")


@users_cli.command("list")
def list_users():
    """List the accounts."""
    for u in db.session.scalars(db.select(User).order_by(User.username)):
        state = "active" if u.active else "inactive"
        click.echo(f"{u.username:<20} {u.role:<12} {u.kecamatan_code or '-':<9} {state:<8} {u.full_name}")


@users_cli.command("deactivate")
@click.argument("username")
def deactivate_user(username):
    """Deactivate an account and end its sessions."""
    user = db.session.scalar(db.select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    user.active = False
    login_sessions.end_all(user)
    db.session.commit()
    click.echo(f"deactivated {user.username}")


@regions_cli.command("load")
def load_regions_command():
    """Load Indonesia's provinces, regencies and kecamatan and the district's desa (DISTRICT_CODE)."""
    counts = load_regions()
    db.session.commit()
    click.echo("regions: {added} added, {updated} updated, {total} in all".format(**counts))
    here = district.current()
    click.echo(f"district: {here.code} {here.name}, {len(Region.kecamatan_of_district())} kecamatan, "
               f"numbers {here.number_prefix}-YYMM-NNNNNN")


PAYERS = [code for code in FUNDING if code != SELF] + list(FUNDING_ALIASES)
MAX_PLACES = 9_999_999  # as the programme form's quotas (seven digits): well inside the quota columns


@programmes_cli.command("create")
@click.argument("name")
@click.option("--payer", type=click.Choice(PAYERS), required=True, help="Who pays (apbd: apbd_kabupaten).")
@click.option("--first-month", required=True, help="The first month paid, YYYY-MM.")
@click.option("--months", type=click.IntRange(1, 60), required=True, help="How many months it pays.")
@click.option("--budget", required=True, help="The budget in whole Rupiah, e.g. 178214400 or 178.214.400.")
@click.option("--basis", help="Legal basis: SK Bupati or PKS number.")
@click.option("--funder", help="The funder's name (agency, company, desa).")
@click.option("--quota", type=click.IntRange(0, MAX_PLACES), help="Members in all (default: no limit but the budget).")
@click.option("--kecamatan-quota", "kecamatan_quotas", multiple=True, metavar="KECAMATAN=N",
              help="Members in one kecamatan, e.g. 19.03.01=200; repeat. With any, only those kecamatan may join.")
@click.option("--with-jht", is_flag=True, help="It pays JHT too (default: JKK + JKM).")
def create_programme(name, payer, first_month, months, budget, basis, funder, quota, kecamatan_quotas, with_jht):
    """Record a programme; the last line printed is its id alone (for scripts)."""
    month = parse_month(first_month)
    if month is None:
        raise click.BadParameter("a month as YYYY-MM, e.g. 2025-08", param_hint="--first-month")
    amount = parse_rupiah(budget)
    if amount is None or amount < 0:
        raise click.BadParameter("whole Rupiah, e.g. 178214400", param_hint="--budget")
    quotas = {}
    for item in kecamatan_quotas:
        code, _sep, places = item.partition("=")
        if not (places.isascii() and places.isdigit() and int(places) <= MAX_PLACES):
            raise click.BadParameter(f"{item!r}: KECAMATAN=N, e.g. 19.03.01=200", param_hint="--kecamatan-quota")
        quotas[kecamatan_code(code)] = int(places)
    values = {"name": " ".join(name.split()), "payer": FUNDING_ALIASES.get(payer, payer), "funder_name": funder,
              "basis": basis, "first_month": date(*month, 1), "months": months, "with_jht": with_jht,
              "budget": amount, "quota": quota}
    if not values["name"]:
        raise click.BadParameter("a name", param_hint="NAME")
    for key, hint, most in (("name", "NAME", 120), ("funder_name", "--funder", 120), ("basis", "--basis", 200)):
        if len(values[key] or "") > most:  # as the programme form: what the column holds
            raise click.BadParameter(f"{most} characters at most", param_hint=hint)
    programme = programmes.save(None, values, quotas, None)
    db.session.commit()
    click.echo(f"saved programme {programme.name} ({programme.payer}, {first_month}, {months} months)")
    click.echo(programme.id)


@programmes_cli.command("list")
def list_programmes():
    """List the programmes: id, payer, months, members (of the quota), budget, state."""
    today = local_today()
    for p in db.session.scalars(db.select(Programme).order_by(Programme.first_month, Programme.id)):
        members = programmes.count(p.id)
        quota = f"/{p.quota}" if p.quota is not None else ""
        first, last = programmes.first_of(p), programmes.last_of(p)
        click.echo(f"{p.id:<4} {p.payer:<15} {first[0]:04d}-{first[1]:02d}..{last[0]:04d}-{last[1]:02d} "
                   f"{members}{quota:<8} Rp{p.budget:<14} {programmes.state_of(p, today):<9} {p.name}")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Say what would be erased; change nothing.")
@click.option("--job", "as_job", is_flag=True, help="As a job (/tugas/<id>): on the RQ workers with JOBS_REDIS_URL "
              "(its id printed last), else here, waited for.")
@click.option("--user", "username", help="With --job: the admin who starts it (default: the first active admin).")
def retention_run(dry_run, as_job, username):
    """Erase registrations past their retention and previewed import files (KPJ, cohort, payments) older than a day.

    Meant for cron or a systemd timer (README, "Personal data"). Prints counts only, never who."""
    if as_job and dry_run:
        raise click.UsageError("--dry-run changes nothing: it needs no job")
    if as_job:
        summary = run_as_job("retention", {}, username)
        if summary is None:
            return
    else:
        summary = routines.run_retention(dry_run)
        if not dry_run:
            db.session.commit()  # every erasure of the run, at once
            kept_counts.fold()  # their count changes (services/counts.py), in a transaction of its own
    cfg, counts = current_app.config, summary["erased"]
    verb = "would erase" if dry_run else "erased"
    detail = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))
    click.echo(f"{verb} {sum(counts.values())} registrations" + (f" ({detail})" if detail else ""))
    click.echo(f"{'would delete' if dry_run else 'deleted'} {summary['files']} previewed import files")
    click.echo(f"{'would delete' if dry_run else 'deleted'} {summary['jobs']} finished jobs with their files")
    click.echo(f"retention: rejected {cfg['RETENTION_REJECTED_MONTHS']} months, returned "
               f"{cfg['RETENTION_RETURNED_MONTHS']} months, any {cfg['RETENTION_MAX_MONTHS']} months after the last change")


def port_is_free(host: str, port: int) -> bool:
    """Whether the server could listen there: bound as werkzeug binds (address reuse on), then let go."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError:
        return False
    return True


def demo_account(username, password, role, name, kecamatan) -> tuple[User, bool]:
    """The demo account, created once. A second run leaves an existing account as it is (password and login
    nonce included), so nobody signed in with it is logged out; (user, whether the demo password still works)."""
    user = db.session.scalar(db.select(User).where(User.username == username))
    if user is None:
        return save_user(username, password, role, name, None, kecamatan), True
    if user.role != role:
        raise click.ClickException(f"the account {username!r} exists as {user.role}, not {role}: "
                                   "demo needs its own database (DATABASE_URL)")
    return user, user.check_password(password)


def demo_teams(officer: User, coordinator: User, admin: User) -> dict[str, tuple[int, int]]:
    """Kecamatan code -> (officer, reviewer) for the sample rows: the demo officer and coordinator in theirs;
    elsewhere an officer of that kecamatan (no password: nobody signs in as them) and the admin reviewing."""
    teams = {officer.kecamatan_code: (officer.id, coordinator.id)}
    for kecamatan in Region.kecamatan_of_district():
        if kecamatan.code in teams:
            continue
        username = f"petugas-demo-{kecamatan.code[-2:]}"
        other = db.session.scalar(db.select(User).where(User.username == username))
        if other is None:
            other = save_user(username, secrets.token_urlsafe(24), "officer", f"Petugas Demo {kecamatan.name}", None,
                              kecamatan.code)
        teams[kecamatan.code] = (other.id, admin.id)
    return teams


@click.command("demo")
@with_appcontext
@click.option("--port", default=5000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--no-serve", is_flag=True, help="Prepare the database and accounts, then exit.")
def demo(port, host, no_serve):
    """Migrate the database, load the regions, create demo accounts and serve the app."""
    if current_app.config["OUTREACH_ENV"] == "production":
        raise click.ClickException("demo accounts have known passwords: refused when OUTREACH_ENV=production")
    if not no_serve and not port_is_free(host, port):  # before any work, and before saying "serving on"
        raise click.ClickException(f"port {port} on {host} is in use (another demo still running?): "
                                   f"stop it, or pick another port with --port {port + 1}")
    upgrade(directory=current_app.extensions["migrate"].directory)
    counts = load_regions()
    db.session.commit()
    here = district.current()
    click.echo("regions: {total} loaded".format(**counts) + f"; district {here.code} {here.name}")
    click.echo("demo accounts (username / password):")
    accounts = {}
    first = min(k.code for k in Region.kecamatan_of_district())
    for username, password, role, name, tied in DEMO_ACCOUNTS:
        accounts[role], usable = demo_account(username, password, role, name, first if tied else None)
        click.echo(f"  {role:<12} {username} / {password if usable else '(password changed since; kept)'}")
    made = demo_data.seed(demo_teams(accounts["officer"], accounts["coordinator"], accounts["admin"]))
    db.session.commit()
    click.echo(f"demo registrations: {made} created" if made else "demo registrations: already there")
    if made:
        click.echo(f"demo programmes: {demo_data.ENDED_PROGRAMME['name']} (ended, {demo_data.COHORT} members), "
                   "and a sponsor's programme open now (/program)")
        found = demo_data.situations(local_today())
        click.echo("demo payments: " + ", ".join(f"{found.get(state, 0)} {state.replace('_', ' ')}" for state in
                                                  ("protected", "in_arrears", "inactive", "awaiting_first_payment")))
    if not no_serve:
        click.echo(f"serving on http://{host}:{port}/")
        # app.run() refuses to block inside the flask CLI; serve with werkzeug directly.
        run_simple(host, port, current_app._get_current_object(), threaded=True)


def init_app(app) -> None:
    from outreach import cli_followup, cli_jobs, cli_payments
    cli_followup.init_app(app)
    cli_jobs.init_app(app)
    cli_payments.init_app(app)
    app.cli.add_command(users_cli)
    app.cli.add_command(regions_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(programmes_cli)
    app.cli.add_command(demo)
