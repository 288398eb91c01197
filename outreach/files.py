"""Files on the server's disk that hold personal data or secrets (the SQLite database, the secret key, previewed
imports): readable by the app's own user only, whatever the umask."""
import os
from pathlib import Path


def private_dir(path) -> Path:
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def write_private(path, text: str) -> None:
    """Write `text` to a file created 0600 (never world-readable, not even for a moment)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o600)


def private_file(path) -> None:
    """Create an empty file 0600 if missing (before SQLite creates the database), or make an existing one 0600.
    A missing folder is left for the database to report."""
    if not Path(path).parent.is_dir():
        return
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)
