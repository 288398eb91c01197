"""The house's shape, checked: blueprints never import each other, services never import a blueprint, domain
imports neither Flask nor SQLAlchemy, no import cycles, no commit in a service, no source file over 450 lines,
and every code has its words."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "outreach"
BLUEPRINTS = {p.parent.name for p in PACKAGE.glob("*/views.py")}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every outreach module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("outreach")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("outreach"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names
                      if (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/")).with_suffix(".py").exists()
                      or (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/")).is_dir()}
    return found


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: imports(path) for name, path in MODULES.items()}


def area(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_blueprints_never_import_another_blueprint():
    crossing = [(m, i) for m, deps in GRAPH.items() for i in deps
                if area(m) in BLUEPRINTS and area(i) in BLUEPRINTS and area(i) != area(m)]
    assert crossing == []


@pytest.mark.parametrize("layer", ["services", "domain", "models"])
def test_shared_layers_never_import_a_blueprint(layer):
    assert [(m, i) for m, deps in GRAPH.items() if area(m) == layer for i in deps if area(i) in BLUEPRINTS] == []


def test_domain_is_pure():
    for name, path in MODULES.items():
        if area(name) == "domain":
            text = path.read_text(encoding="utf-8")
            assert "import flask" not in text and "from flask" not in text and "sqlalchemy" not in text, name
            assert all(area(i) == "domain" for i in GRAPH[name]), name


def test_no_import_cycles():
    known = {m for m in GRAPH}

    def deps(m):  # a package import reaches its __init__ only
        return {i for i in GRAPH[m] if i in known and i != m and not m.startswith(i + ".")}

    state, cycles = {}, []

    def visit(m, stack):
        state[m] = "open"
        for d in deps(m):
            if state.get(d) == "open":
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d, stack + [d])
        state[m] = "done"

    for m in sorted(known):
        if m not in state:
            visit(m, [m])
    assert cycles == []


def test_services_and_domain_never_commit():
    """One transaction per request, committed by its caller (README, "Layout")."""
    for name, path in MODULES.items():
        if area(name) in ("services", "domain"):
            assert ".commit(" not in path.read_text(encoding="utf-8"), name


def test_no_source_file_over_450_lines():
    sources = [p for pattern in ("outreach/**/*.py", "outreach/static/**/*.js", "outreach/static/**/*.css",
                                 "templates/**/*.html", "tests/**/*.py", "migrations/**/*.py", "bench/*.py")
               for p in ROOT.glob(pattern)]
    long = {str(p.relative_to(ROOT)): n for p in sources if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450}
    assert long == {}


def test_every_code_has_its_words(app):
    from outreach import labels
    from outreach.domain import codes, payments, privacy, programmes, workflow
    from outreach.domain.contribution import PERIODS, PROGRAMS
    from outreach.domain.occupations import CODES as OCCUPATIONS
    pairs = [(labels.OCCUPATIONS, OCCUPATIONS), (labels.SEXES, codes.SEXES), (labels.FUNDING, codes.FUNDING),
             (labels.HEIR_RELATIONS, codes.HEIR_RELATIONS), (labels.FLAGS, codes.FLAGS),
             (labels.STATUSES, workflow.STATUSES), (labels.REJECTIONS, workflow.REASONS),
             (labels.RETURNS, workflow.RETURN_REASONS), (labels.PROGRAMS, PROGRAMS), (labels.PERIODS, PERIODS),
             (labels.CONSENT_METHODS, codes.CONSENT_METHODS), (labels.GUARDIAN_RELATIONS, codes.GUARDIAN_RELATIONS),
             (labels.REQUEST_KINDS, privacy.REQUEST_KINDS), (labels.IDENTIFICATIONS, privacy.IDENTIFICATIONS),
             (labels.REQUEST_STATES, privacy.REQUEST_STATES), (labels.PROGRAMME_STATES, programmes.STATES),
             (labels.PAYMENT_CHANNELS, payments.CHANNELS), (labels.PAYMENT_SOURCES, payments.SOURCES)]
    from outreach.services.messages import EVENTS
    pairs.append((labels.MESSAGE_EVENTS, EVENTS))
    for words, allowed in pairs:
        assert list(words) == list(allowed)
    from outreach.models.audit import ACTIONS
    assert list(labels.AUDIT_ACTIONS) == list(ACTIONS)


def test_test_files_have_unique_names():
    """tests/ and tests/browser/ are not packages: two test files of one name stop the whole run's collection."""
    names = [p.name for p in (ROOT / "tests").rglob("test_*.py")]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []
