"""Usernames as typed, and the short names of devices, table-driven."""
import pytest

from outreach.domain.accounts import MAX_USERNAME, describe_device, normalise_username, valid_username


@pytest.mark.parametrize("raw, name", [
    ("  Petugas1 ", "petugas1"),
    ("", ""), (None, ""),
    ("a" * 40, "a" * 40),
    ("İ" * 20, "i̇" * 20),  # 40 characters once lower-cased: it fits
    ("İ" * 21, "i̇" * 19 + "i~"),  # 42: cut to the column, marked so it is no account's
    ("a" * 39 + "İ", "a" * 39 + "~"),  # not cut into the account "aaa…ai"
])
def test_normalise_username(raw, name):
    assert normalise_username(raw) == name
    assert len(normalise_username(raw)) <= MAX_USERNAME


def test_a_cut_username_is_never_a_valid_one():
    assert not valid_username(normalise_username("a" * 39 + "İ"))


@pytest.mark.parametrize("agent, device", [
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
     "Android · Chrome"),
    ("Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 "
     "Chrome/115.0 Mobile Safari/537.36", "Android · Samsung Internet"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.0 Mobile/15E148 Safari/604.1", "iPhone · Safari"),
    ("Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0", "Android · Firefox"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
     "Safari/537.36 Edg/120.0", "Windows · Edge"),
    ("curl/8.5.0", ""), ("", ""), (None, ""),
])
def test_describe_device(agent, device):
    assert describe_device(agent) == device
