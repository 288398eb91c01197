"""Locale choice and the template filters that format dates and Rupiah for it."""
from flask import current_app, request
from flask_babel import format_date, format_decimal, format_time, get_locale
from flask_login import current_user

from outreach.domain.masking import mask_name, mask_nik, mask_phone
from outreach.domain.money import format_rupiah

LOCALE_COOKIE = "lang"


def select_locale() -> str:
    """The user's saved preference, else the switcher's cookie, else Accept-Language, else id.

    The workers' public pages (status, /cek) speak Indonesian until the switcher says otherwise: a phone
    bought abroad or set to English must not greet a fisher in English."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    cookie = request.cookies.get(LOCALE_COOKIE)
    if cookie in languages:
        return cookie
    if request.blueprint == "status":
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


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

    @app.template_filter("long_date")
    def long_date_filter(value) -> str:
        return format_date(value, "d MMMM y") if value else ""

    @app.context_processor
    def locale_context():
        return {"current_locale": str(get_locale())}
