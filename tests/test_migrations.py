"""The schema comes from the migrations, and the migrations match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from outreach.extensions import db
from tests.conftest import make_app


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_migrations_go_down_and_up_again(tmp_path):
    scratch = make_app(f"sqlite:///{tmp_path}/scratch.db")
    directory = scratch.extensions["migrate"].directory
    with scratch.app_context():
        upgrade(directory=directory)
        downgrade(directory=directory, revision="base")
        assert db.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade(directory=directory)
        assert {"users", "regions", "login_throttle"} <= set(db.inspect(db.engine).get_table_names())
