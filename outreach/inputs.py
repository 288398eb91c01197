"""What the app accepts from a request: bounded bodies, text without control characters, bounded numbers and dates.

No person types a NUL, an escape or a lone UTF-16 surrogate; PostgreSQL refuses NUL in text and psycopg
cannot encode a surrogate, so such input would end in a 500 that loses a long form. Nor do names need the
invisible marks that reorder text (bidirectional controls), which can make one name look like another. They are
dropped once, here, from the query, the form, the URL's values and JSON bodies, before any view sees them.
"""
import re
from datetime import date

from flask import Request, current_app, has_app_context
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

# C0 controls but tab, newline and carriage return; DEL; lone surrogates (from JSON "\ud800" escapes); the
# bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E-F, U+202A-E, U+2066-9).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The largest id a column of either database holds (PostgreSQL integer); larger is "not found", not a crash.
MAX_ID = 2**31 - 1
# Dates a filter can sensibly ask for; outside them date arithmetic and timezone binding overflow.
MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2199, 12, 31)


def clean(value):
    """value with control characters removed from every string in it (lists and dicts walked)."""
    if isinstance(value, str):
        return CONTROL.sub("", value)
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    return value


def clean_multidict(d):
    return ImmutableMultiDict([(clean(k), clean(v)) for k, v in d.items(multi=True)])


class CleanRequest(Request):
    """Flask's request, with bodies bounded and query, form and JSON cleaned as they are parsed."""

    @property
    def max_content_length(self) -> int | None:
        """MAX_CONTENT_LENGTH for uploads (multipart, parsed a part at a time, files kept on disk); bodies parsed
        whole in memory, url-encoded forms and JSON, are held to MAX_FORM_LENGTH: 10 MB of tiny form fields
        take ~0.5 GB to parse. Past either, Werkzeug answers 413 before reading a byte."""
        override = getattr(self, "_max_content_length", None)  # set on a request (Flask 3.1)
        if override is not None or not has_app_context():
            return override
        caps = [current_app.config["MAX_CONTENT_LENGTH"]]
        if self.mimetype != "multipart/form-data":
            caps.append(current_app.config.get("MAX_FORM_LENGTH"))
        return min((cap for cap in caps if cap is not None), default=None)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = clean_multidict(self.__dict__["form"])

    @property
    def args(self):
        if "_clean_args" not in self.__dict__:
            self.__dict__["_clean_args"] = clean_multidict(super().args)
        return self.__dict__["_clean_args"]

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        try:
            return clean(super().get_json(force=force, silent=silent, cache=cache))
        except RecursionError:  # JSON nested deeper than Python recurses: no registration looks like that
            if silent:
                return None
            raise BadRequest("JSON nested too deeply") from None


class BoundedInt(IntegerConverter):
    """`<int:id>` that 404s past what a database integer holds, instead of overflowing in the query."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def as_int(value, low: int = 0, high: int = MAX_ID) -> int | None:
    """A query argument as an integer in [low, high], else None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def as_date(value) -> date | None:
    """A query argument as an ISO date a filter can use, else None."""
    try:
        day = date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
    return day if day is None or MIN_DATE <= day <= MAX_DATE else None


def init_app(app) -> None:
    app.request_class = CleanRequest
    app.url_map.converters["int"] = BoundedInt

    @app.url_value_preprocessor
    def clean_url_values(_endpoint, values):
        if values:
            values.update(clean(values))
