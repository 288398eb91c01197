"""outreach: enrolling a regency's or city's informal workers into BPJS Ketenagakerjaan (Bangka Selatan first)."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None):
    # Imported here so that outreach.domain stays importable without Flask.
    from flask import Flask

    from outreach import assets, cli, district, errors, i18n, inputs, labels, logs, security, wording
    from outreach.config import from_env
    from outreach.extensions import babel, csrf, db, limiter, login, migrate
    from outreach.files import private_dir, private_file

    # templates/, translations/ and migrations/ live beside the package, not inside it: the app runs from
    # a checkout (pip install -e), and says so rather than failing on the first page.
    if not (ROOT / "templates").is_dir():
        raise RuntimeError(f"templates/ not found beside the package in {ROOT}: install from a checkout with pip install -e")
    # INSTANCE_PATH: the app's own folder (SQLite, the generated key) elsewhere than the checkout's instance/.
    app = Flask(__name__, template_folder=str(ROOT / "templates"), instance_relative_config=True,
                instance_path=os.environ.get("INSTANCE_PATH") or None)
    private_dir(app.instance_path)  # the database, the secret key, previewed imports: the app's user only
    app.config.from_mapping(from_env(app.instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    if config:
        app.config.update(config)
    district.init_app(app)  # after the overrides: the district decides the defaults that follow from it

    sqlite_file = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    if sqlite_file != app.config["SQLALCHEMY_DATABASE_URI"] and sqlite_file not in ("", ":memory:"):
        private_file(sqlite_file)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    limiter.init_app(app)  # before CSRF, so that floods are limited even without a token
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login.init_app(app, add_context_processor=False)  # security.py gives templates the user, lazily
    inputs.init_app(app)  # before the blueprints: their <int:…> routes use its bounded converter

    from outreach.admin.views import bp as admin_bp
    from outreach.api.views import bp as api_bp
    from outreach.auth.views import bp as auth_bp
    from outreach.dashboard.views import bp as dashboard_bp
    from outreach.enroll.views import bp as enroll_bp
    from outreach.followup.views import bp as followup_bp
    from outreach.main.views import bp as main_bp
    from outreach.offline.views import bp as offline_bp
    from outreach.payments.views import bp as payments_bp
    from outreach.privacy.views import bp as privacy_bp
    from outreach.programmes.views import bp as programmes_bp
    from outreach.receipts.views import bp as receipts_bp
    from outreach.review.views import bp as review_bp
    from outreach.status.views import bp as status_bp
    from outreach.tasks.views import bp as tasks_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(enroll_bp)
    app.register_blueprint(receipts_bp)
    app.register_blueprint(status_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(offline_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(programmes_bp)
    app.register_blueprint(followup_bp)
    app.register_blueprint(tasks_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")

    assets.init_app(app)  # first of the after_request hooks, so that it runs last: compression
    i18n.init_app(app)
    labels.init_app(app)  # the words for codes, in every template
    wording.init_app(app)  # stored values and audit details in words
    security.init_app(app)
    errors.init_app(app)
    logs.init_app(app)  # status tokens kept out of the access logs
    cli.init_app(app)
    from outreach import worker
    app.extensions["outreach_job_runner"] = worker.run_in  # the embedded default's jobs (services/jobs.py)
    return app
