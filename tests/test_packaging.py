"""setup.cfg: a package the app and an extra both need has one constraint, so installing an extra never moves it."""
import configparser

from packaging.requirements import Requirement

from tests.test_layout import ROOT


def requirements(text: str) -> dict[str, Requirement]:
    lines = [line.split("#")[0].strip() for line in text.splitlines()]
    return {r.name.lower(): r for r in (Requirement(line) for line in lines if line)}


def test_a_package_has_one_constraint_across_the_app_and_its_extras():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    app = requirements(cfg["options"]["install_requires"])
    assert "pillow" in app, "the app draws the receipt's PNG with Pillow: its bounds belong to install_requires"
    for extra, text in cfg["options.extras_require"].items():
        for name, requirement in requirements(text).items():
            if name in app:
                assert requirement.specifier == app[name].specifier, (extra, name)
