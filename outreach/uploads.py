"""What the pages importing a CSV file share (the KPJ numbers, the branch's payments): the text of the file
chosen, or of the one previewed before and now applied, and what becomes of a previewed file. The caller
commits, once, as on every page."""
from flask_babel import gettext as _

from outreach.models import User
from outreach.services import kpj_import as kept


def cancel(form, user: User, kind: str) -> None:
    """"Batal" on a preview: its file leaves the server."""
    if kept.DIGEST.fullmatch(form.digest.data or ""):
        kept.drop_upload(form.digest.data, user, kind)


def chosen_text(form, user: User, kind: str, limit: int, too_big: str) -> tuple[str, str | None, str | None]:
    """(the file's text, the digest of the previewed file being applied or None, the error or None)."""
    text, digest = "", None
    if form.file.data:
        raw = form.file.data.read(limit + 1)
        if len(raw) > limit:
            return "", None, too_big
        text = kept.decode_upload(raw)
    elif form.apply.data:
        digest = form.digest.data
        text = kept.kept_upload(digest, user, kind)
        if text is None:
            return "", digest, _("Berkas yang diperiksa tidak ditemukan lagi; pilih berkasnya sekali lagi.")
    if not text.strip():
        return "", digest, _("Pilih berkas CSV.")
    return text, digest, None


def settle(form, read, text: str, digest: str | None, user: User, kind: str) -> None:
    """After a preview: a file that can be applied waits on the server for the confirmation (its digest goes
    into the form); any other previewed file leaves."""
    if read is not None and read.ok:
        form.digest.data = digest or kept.keep_upload(text, user, kind)
    elif digest:
        kept.drop_upload(digest, user, kind)
