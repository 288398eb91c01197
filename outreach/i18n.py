"""Locale choice, the templates' gettext, and the template filters that format dates and Rupiah for it."""
from datetime import date, datetime
from functools import cache

from babel import Locale
from flask import current_app, g, request
from flask_babel import format_date, format_decimal, format_time, get_locale, get_translations
from flask_login import current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from jinja2 import pass_eval_context
from markupsafe import Markup

from outreach.domain.clock import local_day
from outreach.domain.masking import mask_name, mask_nik, mask_phone
from outreach.domain.money import format_rupiah

LOCALE_COOKIE = "lang"


@cache
def parsed(code: str) -> Locale:
    return Locale.parse(code)  # Flask-Babel parses the code it is given once a request; a Locale it keeps


def select_locale() -> Locale:
    """The user's saved preference, else the switcher's cookie, else Accept-Language, else id.

    The workers' public pages (status, /cek) speak Indonesian until the switcher says otherwise: a phone
    bought abroad or set to English must not greet a fisher in English."""
    languages = current_app.config["LANGUAGES"]
    if may_be_signed_in() and current_user.is_authenticated and current_user.locale in languages:
        return parsed(current_user.locale)
    cookie = request.cookies.get(LOCALE_COOKIE)
    if cookie in languages:
        return parsed(cookie)
    if request.blueprint == "status":
        return parsed(current_app.config["BABEL_DEFAULT_LOCALE"])
    return parsed(request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"])


def may_be_signed_in() -> bool:
    """False when no one can be signed in: no session or remember-me cookie came, and no one signed in during
    this request. A worker's phone opening a status page then has no session read for its language."""
    cookies = request.cookies
    return ("_login_user" in g or current_app.config["SESSION_COOKIE_NAME"] in cookies
            or current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) in cookies)


@cache
def month_names(locale: Locale, width: str = "wide") -> dict[int, str]:
    """A locale's month names ("Agustus", or "Agu" abbreviated), read once: Babel's format_date parses its
    pattern and looks the names up again for every date a page shows."""
    return dict(locale.months["format"][width])


def long_date(value) -> str:
    """Babel's "d MMMM y" ("15 Agustus 1990"); a moment as its WIB date, as Flask-Babel shows it."""
    if not value:
        return ""
    locale = get_locale()
    if locale is None:  # outside a request or job: Babel's own default
        return format_date(value, "d MMMM y")
    if isinstance(value, datetime):
        value = local_day(value)
    return f"{value.day} {month_names(locale)[value.month]} {value.year}"


def month_name(month: int, short: bool = False) -> str:
    """Babel's "MMMM" ("Desember"; short: "MMM", "Des")."""
    locale = get_locale()
    if locale is None:
        return format_date(date(2000, month, 1), "MMM" if short else "MMMM")
    return month_names(locale, "abbreviated" if short else "wide")[month]


def bound_gettext():
    """The templates' _(), gettext() and ngettext() for one render, its catalog found once: Flask-Babel's find
    it again, through the request's locale, for every string (a third of the status page's rendering). As
    Jinja's newstyle gettext: the translation is markup in an autoescaped template, its variables escaped,
    and always formatted ("50%%" reads "50%")."""
    catalog = get_translations()

    def formatted(eval_ctx, text, variables):
        if eval_ctx.autoescape:
            text = Markup(text)
        return text % variables if variables or "%" in text else text

    @pass_eval_context
    def gettext(eval_ctx, string, **variables):
        return formatted(eval_ctx, catalog.ugettext(string), variables)

    @pass_eval_context
    def ngettext(eval_ctx, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return formatted(eval_ctx, catalog.ungettext(singular, plural, num), variables)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def init_app(app) -> None:
    @app.template_filter("rupiah")
    def rupiah_filter(amount: int) -> str:
        return format_rupiah(amount, str(get_locale()))

    @app.template_filter("decimal")
    def decimal_filter(n) -> str:
        return format_decimal(n)  # 359.661 and 0,55 in Indonesian; 359,661 and 0.55 in English

    @app.template_filter("mask_nik")
    def mask_nik_filter(nik: str) -> str:
        return mask_nik(nik)

    @app.template_filter("mask_phone")
    def mask_phone_filter(phone: str) -> str:
        return mask_phone(phone)

    @app.template_filter("mask_name")
    def mask_name_filter(name: str) -> str:
        return mask_name(name)

    @app.template_filter("short_date")
    def short_date_filter(value) -> str:
        return format_date(value, "d MMM") if value else ""

    @app.template_filter("time_of_day")
    def time_filter(value) -> str:
        return format_time(value, "HH:mm") if value else ""

    app.add_template_filter(long_date)

    @app.context_processor
    def locale_context():
        return {"current_locale": str(get_locale()), **bound_gettext()}
