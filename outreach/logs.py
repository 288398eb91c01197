"""Access logs without status tokens: a token in /s/<token> opens a worker's status page to whoever reads it.

The filter sits on the loggers of the servers that log requests (gunicorn's access log, Werkzeug's development
server) and masks the token in every value of the record, whatever the configured log format prints (the
request line, the path, the referrer). A proxy in front keeps its own log: README, Security, says how to mask it.
"""
import logging
import re

TOKEN_IN_PATH = re.compile(r"(/s/)[^\s/?#\"\\]+")
MASK = r"\1[token]"
REQUEST_LOGGERS = ("gunicorn.access", "werkzeug")


def mask_status_tokens(text: str) -> str:
    return TOKEN_IN_PATH.sub(MASK, text)


class StatusTokenFilter(logging.Filter):
    """Masks /s/<token> in a record's message and arguments (gunicorn passes a dict of atoms, Werkzeug a tuple)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_status_tokens(record.msg)
        if isinstance(record.args, dict):
            for key, value in list(record.args.items()):  # in place: gunicorn's dict answers "-" for a missing atom
                if isinstance(value, str):
                    record.args[key] = mask_status_tokens(value)
        elif isinstance(record.args, tuple):
            record.args = tuple(mask_status_tokens(a) if isinstance(a, str) else a for a in record.args)
        return True


def init_app(_app) -> None:
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, StatusTokenFilter) for f in logger.filters):
            logger.addFilter(StatusTokenFilter())
