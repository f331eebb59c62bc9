"""Imports run one way: routines -> clients -> practice.

Two independent checks keep it true. The source check reads every file (migrations included)
and finds imports however they are written, even ones that are never executed in a test. The
runtime check imports every module of an app in a fresh interpreter where the apps above it are
not even installed, and looks at what ended up in `sys.modules`, so an import hidden behind a
helper or a re-export is caught too.
"""

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import rules
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parent.parent
# practice may name the apps above it only where the whole project is put together.
PRACTICE_ALLOWED = {
    Path("practice/settings.py"),
    Path("practice/urls.py"),
    Path("practice/management/commands/seed_demo.py"),
}
# What each app must never reach: the apps above it.
FORBIDDEN = {"clients": ("routines",), "practice": ("clients", "routines")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module a source file imports, relative imports resolved, plus dotted strings
    that name a module or model of an app (`import_module("x.y")`, `ForeignKey("x.Model")`,
    `apps.get_model("x", ...)`): a dependency all the same."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and node.args:
            first = node.args[0]
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name == "get_model" and isinstance(first, ast.Constant):
                found.add(str(first.value))
        # Dotted names only ("routines.models", "routines.Routine"): plain words such as a
        # context key "routines" are not a dependency, and neither is a rule's name
        # ("clients.edit"), which names no module or model.
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.fullmatch(r"[a-z_]+(\.\w+)+", node.value)
            and _names_code(node.value)
        ):
            found.add(node.value)
    return found


def _names_code(dotted: str) -> bool:
    """A model label ("routines.Routine") or an importable module ("routines.models"), and
    not a rule's name (the rule "clients.export" shares its name with a module)."""
    if dotted in rules.rulesets.default_rules:
        return False
    if dotted.rpartition(".")[2][:1].isupper():
        return True
    try:
        return importlib.util.find_spec(dotted) is not None
    except ModuleNotFoundError:
        return False


def _reaches(modules: set[str], apps: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in apps)


def _source_files(app: str) -> list[Path]:
    files = sorted((ROOT / app).rglob("*.py"))
    if app == "practice":
        files = [f for f in files if f.relative_to(ROOT) not in PRACTICE_ALLOWED]
    return files


def test_the_source_check_can_fail():
    source = textwrap.dedent(
        """
        import routines.models
        from routines import services
        from .. import routines as nearby
        from clients.models import Client
        model = apps.get_model("routines", "Routine")
        link = models.ForeignKey("routines.Routine", on_delete=models.CASCADE)
        context = {"routines": []}
        """
    )
    found = _imported_modules(source, "clients.views.sample")
    assert _reaches(found, ("routines",)) == [
        "routines",
        "routines.Routine",
        "routines.models",
        "routines.services",
    ]
    # `from .. import routines` inside clients/views/ is clients.routines, not the app.
    assert "clients.routines" in found


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_no_source_file_imports_an_app_above_it(app):
    files = _source_files(app)
    assert any("migrations" in f.parts for f in files), "the migrations must be read too"
    offenders = {}
    for path in files:
        module = _module_name(path)
        found = _imported_modules(path.read_text(), module, path.name == "__init__.py")
        if reached := _reaches(found, FORBIDDEN[app]):
            offenders[str(path.relative_to(ROOT))] = reached
    assert offenders == {}, f"{app} must not import {FORBIDDEN[app]}"


def test_no_clients_migration_depends_on_routines():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app_label, name), migration in loader.disk_migrations.items():
        if app_label in FORBIDDEN:
            above = [dep for dep in migration.dependencies if dep[0] in FORBIDDEN[app_label]]
            assert above == [], f"{app_label}.{name} depends on {above}"


# Runs in a fresh interpreter: installs the project without the apps above `app`, imports every
# module of `app` and prints what got imported. Settings, urls and the seed command are the
# places allowed to name every app, so they are not walked.
RUNTIME_CHECK = """
import importlib, json, pkgutil, sys
import practice.settings as settings

app, forbidden, skipped = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a not in forbidden]
import django
django.setup()
package = importlib.import_module(app)
walked = []
for info in pkgutil.walk_packages(package.__path__, app + "."):
    if info.name not in skipped:
        importlib.import_module(info.name)
        walked.append(info.name)
print(json.dumps({"walked": walked, "modules": sorted(sys.modules)}))
"""


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_importing_every_module_loads_nothing_above_it(app):
    skipped = {_module_name(ROOT / path) for path in PRACTICE_ALLOWED}
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [
            sys.executable,
            "-c",
            RUNTIME_CHECK,
            app,
            ",".join(FORBIDDEN[app]),
            ",".join(sorted(skipped)),
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "practice.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert f"{app}.models" in report["walked"]
    assert any(".migrations." in name for name in report["walked"])
    assert _reaches(set(report["modules"]), FORBIDDEN[app]) == []


# --- The ORM: relations that lead up ---------------------------------------------------------
#
# A model above may point at a model below (a routine's client); the lower app then gets a
# reverse accessor (`client.routines`) and a lookup name (`Client.objects.filter(routines__...)`)
# that reach the app above without importing it. Both are found by name: attribute reads, and
# the lookups of queryset calls (`select_related("routines")`, `filter(routines__status=...)`).
ORDER = ("practice", "clients", "routines")
QUERY_CALLS = {
    "select_related",
    "prefetch_related",
    "Prefetch",
    "filter",
    "exclude",
    "get",
    "get_or_create",
    "update_or_create",
    "order_by",
    "values",
    "values_list",
    "only",
    "defer",
    "annotate",
    "aggregate",
    "F",
    "Q",
    "Count",
    "Exists",
    "OuterRef",
}


def _names_reaching_up(app: str) -> set[str]:
    """Reverse accessors and lookup names, on models of `app` or below, of relations declared
    by the models of an app above it."""
    from django.apps import apps

    below = ORDER[: ORDER.index(app) + 1]
    names: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in FORBIDDEN.get(app, ()):
            continue
        for field in model._meta.get_fields():
            target = field.related_model
            if field.auto_created or target is None or target._meta.app_label not in below:
                continue
            names.update({field.remote_field.get_accessor_name(), field.related_query_name()})
    return {name for name in names if name and not name.endswith("+")}


def _orm_reaches(source: str, names: set[str]) -> list[str]:
    """What a source file reaches through those names: `x.routines`, or a lookup naming one."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in names:
            found.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Call):
            called = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if called not in QUERY_CALLS:
                continue
            lookups = [k.arg for k in node.keywords if k.arg]
            lookups += [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            for lookup in lookups:
                if set(lookup.lstrip("-").split("__")) & names:
                    found.append(f"{node.lineno}: {lookup}")
    return sorted(found)


def test_the_orm_check_can_fail():
    names = {"routines", "practice_link"}
    source = textwrap.dedent(
        """
        client.routines.order_by("title")
        Client.objects.filter(routines__status="ready")
        Client.objects.prefetch_related("routines").order_by("-routines__updated_at")
        links = Prefetch("practice_link", queryset=None)
        context = {"routines": []}
        Client.objects.filter(status="active").select_related("studio")
        """
    )
    assert _orm_reaches(source, names) == [
        "2: .routines",
        "3: routines__status",
        "4: -routines__updated_at",
        "4: routines",
        "5: practice_link",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_no_query_reaches_an_app_above_through_a_relation(app):
    names = _names_reaching_up(app)
    assert app != "clients" or "routines" in names  # a routine's client: `client.routines`
    offenders = {}
    for path in _source_files(app):
        if "migrations" in path.parts:
            continue
        if found := _orm_reaches(path.read_text(), names):
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}, f"{app} reaches {FORBIDDEN[app]} through {sorted(names)}"


# --- Templates -------------------------------------------------------------------------------
#
# A template belongs to the app of its folder (templates/clients/ to clients). It must not
# link to a view of an app above (`{% url %}`), include or extend that app's templates, or
# load its tag libraries. Pages above add their part to a lower app's page through its hooks
# (clients/hooks.py). Templates at the top (base.html, errors, accounts) belong to the whole
# project, like practice/urls.py, and may name every app.
TEMPLATES = ROOT / "templates"
URL_TAG = re.compile(r"""{%\s*(?:cached_)?url\s+['"]([^'"]+)['"]""")
TEMPLATE_TAG = re.compile(r"""{%\s*(?:include|extends)\s+['"]([^'"]+)['"]""")
LOAD_TAG = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")


def _view_apps() -> dict[str, str]:
    """Each URL name with the app whose code answers it."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, str] = {}

    def walk(patterns) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = getattr(pattern.callback, "__module__", "") or ""
                found.setdefault(pattern.name, module.split(".")[0])

    walk(get_resolver().url_patterns)
    return found


def _template_reaches(
    text: str, above: tuple[str, ...], view_apps: dict[str, str], libraries: dict[str, str]
) -> list[str]:
    found = [f"url {name}" for name in URL_TAG.findall(text) if view_apps.get(name) in above]
    found += [
        f"template {name}" for name in TEMPLATE_TAG.findall(text) if name.split("/")[0] in above
    ]
    for names in LOAD_TAG.findall(text):
        found += [
            f"load {name}"
            for name in names.split()
            if libraries.get(name, "").split(".")[0] in above
        ]
    return found


def test_the_template_check_can_fail():
    text = """{% load static pose_figures %}{% url 'client_detail' s c %}
    {% cached_url 'routine_list' s %}{% url "routine_print" s r %}
    {% include "routines/_practice_link_status.html" %}{% include "clients/_x.html" %}"""
    view_apps = {
        "client_detail": "clients",
        "routine_print": "routines",
        "routine_list": "routines",
    }
    libraries = {"static": "django.templatetags.static", "pose_figures": "routines.templatetags.x"}
    assert _template_reaches(text, ("routines",), view_apps, libraries) == [
        "url routine_list",
        "url routine_print",
        "template routines/_practice_link_status.html",
        "load pose_figures",
    ]


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_no_template_reaches_an_app_above(app):
    from django.template.backends.django import get_installed_libraries

    view_apps, libraries = _view_apps(), get_installed_libraries()
    assert view_apps["routine_print"] == "routines" and libraries["pose_figures"]
    offenders = {}
    for path in sorted((TEMPLATES / app).rglob("*.html")):
        if found := _template_reaches(path.read_text(), FORBIDDEN[app], view_apps, libraries):
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}
