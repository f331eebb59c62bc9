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
