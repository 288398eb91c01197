"""Account rules shared by the login page, the admin pages and the CLI."""
import re

ROLES = ("officer", "coordinator", "admin")
# Roles whose work is tied to one kecamatan; an admin sees the whole district.
ROLES_WITH_KECAMATAN = ("officer", "coordinator")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
MIN_PASSWORD = 8


def normalise_username(raw: str) -> str:
    return (raw or "").strip().lower()


def valid_username(name: str) -> bool:
    return bool(USERNAME.fullmatch(name))
