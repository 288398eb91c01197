"""Entry point for a production server: `gunicorn wsgi:app`."""
from outreach import create_app

app = create_app()
