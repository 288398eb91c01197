"""/tugas/<id>: a job's progress (the page refreshes itself, no JavaScript needed) and its result: the file to
download, or an import's summary. Only the user who started a job sees it (anyone else gets 403), except the
timers' routine work (jobs.ROUTINE: messages, retention), which any admin sees."""
import zlib

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_login import current_user, login_required

from outreach import audit
from outreach.extensions import db
from outreach.models import Job
from outreach.services import jobs

bp = Blueprint("tasks", __name__)
REFRESH_SECONDS = 2


def own_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if job.user_id != current_user.id and not (job.kind in jobs.ROUTINE and current_user.has_role("admin")):
        abort(403)  # an admin included: an export's file is for the one who asked for it
    return job


@bp.get("/tugas/<int:job_id>")
@login_required
def show(job_id: int):
    job = own_job(job_id)
    working = job.state in ("queued", "running")
    response = Response(render_template("tasks/show.html", job=job, working=working))
    if working:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/tugas/<int:job_id>/berkas")
@login_required
def download(job_id: int):
    job = own_job(job_id)
    if job.state != "done" or not job.filename:
        abort(404)
    audit.record("download", user_id=current_user.id, kecamatan_code=current_user.kecamatan_code, job=job.id,
                 kind=job.kind, rows=(job.summary or {}).get("rows"))
    db.session.commit()
    headers = {"Content-Disposition": f'attachment; filename="{job.filename}"', "Cache-Control": "no-store"}
    pieces = jobs.chunks(job.id)
    if job.filename.endswith(".csv"):  # kept as one gzip stream
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        else:
            pieces = unzipped(pieces)
    return Response(stream_with_context(pieces), mimetype=job.mimetype or "application/octet-stream", headers=headers)


def unzipped(pieces):
    unpack = zlib.decompressobj(31)
    for piece in pieces:
        yield unpack.decompress(piece)
    yield unpack.flush()
