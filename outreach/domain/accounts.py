"""Account rules shared by the login page, the admin pages and the CLI."""
import re

ROLES = ("officer", "coordinator", "admin")
# Roles whose work is tied to one kecamatan; an admin sees the whole district.
ROLES_WITH_KECAMATAN = ("officer", "coordinator")
MAX_USERNAME = 40  # the width of users.username and login_throttle.username
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
MIN_PASSWORD = 8


def normalise_username(raw: str) -> str:
    """A typed username as it is looked up and throttled: trimmed, lower-case, at most MAX_USERNAME characters.

    Lower-casing can lengthen a name ("İ" becomes "i" and a combining dot): such a name is no account's, so
    it is cut and marked with "~", which no username may hold, rather than cut into someone else's name.
    """
    name = (raw or "").strip().lower()
    return name if len(name) <= MAX_USERNAME else name[:MAX_USERNAME - 1] + "~"


def valid_username(name: str) -> bool:
    return bool(USERNAME.fullmatch(name))


# (what the User-Agent holds, what it is called), first match wins: Edge and Samsung's browser say "Chrome" too.
SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
           ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))
BROWSERS = (("SamsungBrowser", "Samsung Internet"), ("Edg", "Edge"), ("OPR", "Opera"), ("Firefox", "Firefox"),
            ("FxiOS", "Firefox"), ("CriOS", "Chrome"), ("Chrome", "Chrome"), ("Safari", "Safari"))


def describe_device(user_agent: str | None) -> str:
    """"Android · Chrome": enough for an officer to tell their phones apart in the list of their logins,
    without keeping the whole User-Agent (which narrows down who someone is)."""
    agent = user_agent or ""
    names = [next((name for mark, name in table if mark in agent), "") for table in (SYSTEMS, BROWSERS)]
    return " · ".join(name for name in names if name)
