"""Nothing is installed that the code does not use: every dependency and every app earns its place.

A dependency is used when the app code imports it or names it in a dotted string (settings name
apps, middleware, backends and storages that way). An installed app whose only offering is its
template tags is used when a template loads one of them.
"""

import ast
import importlib
import importlib.metadata
import re
import tomllib
from pathlib import Path

from django.apps import apps
from django.template.backends.django import get_package_libraries

ROOT = Path(__file__).resolve().parent.parent
APP_CODE = ["practice", "clients", "routines", "manage.py", "gunicorn.conf.py"]
# Used by name outside the Python code: the web server the Makefile and the deployment start.
USED_OUTSIDE_THE_CODE = {"gunicorn"}


def _python_files() -> list[Path]:
    files: list[Path] = []
    for entry in APP_CODE:
        path = ROOT / entry
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def _names_used(files: list[Path]) -> set[str]:
    """Top-level module names imported or named by a dotted string ("csp.middleware...")."""
    used: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                used.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                used.add(node.module.split(".")[0])
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.fullmatch(r"[a-z_]+(\.\w+)*", node.value)
            ):
                used.add(node.value.split(".")[0])
    return used


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\[<>=~!; ]", requirement, maxsplit=1)[0]


def _unused(requirements: list[str], used: set[str]) -> list[str]:
    modules_of = importlib.metadata.packages_distributions()
    unused = []
    for requirement in requirements:
        name = _requirement_name(requirement)
        if name in USED_OUTSIDE_THE_CODE:
            continue
        normal = re.sub(r"[-_.]+", "-", name).lower()
        modules = {
            module
            for module, distributions in modules_of.items()
            if any(re.sub(r"[-_.]+", "-", d).lower() == normal for d in distributions)
        }
        if not modules & used:
            unused.append(name)
    return unused


def test_every_dependency_is_used_by_the_app_code():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert _unused(project["dependencies"], _names_used(_python_files())) == []


def test_the_dependency_check_can_fail():
    assert _unused(["django>=5.2", "segno>=1.6"], {"django"}) == ["segno"]


def _loaded_libraries() -> set[str]:
    loaded: set[str] = set()
    for template in (ROOT / "templates").rglob("*.html"):
        for match in re.finditer(r"{%\s*load\s+([^%]+?)\s*%}", template.read_text()):
            loaded.update(match.group(1).split())
    return loaded


def _unused_tag_apps(app_names: list[str], loaded: set[str]) -> list[str]:
    """Django's own apps that bring template tags and nothing else (no models, no templates)
    whose tags no template loads."""
    unused = []
    for name in app_names:
        if not name.startswith("django.contrib."):
            continue
        app = importlib.import_module(name)
        folder = Path(app.__path__[0])
        if (folder / "models.py").exists() or (folder / "templates").exists():
            continue
        try:
            tags = importlib.import_module(f"{name}.templatetags")
        except ModuleNotFoundError:
            continue
        own = {module.rpartition(".")[2] for module in get_package_libraries(tags)}
        if not own & loaded:
            unused.append(name)
    return unused


def test_every_app_that_only_brings_template_tags_is_loaded_by_a_template():
    installed = [config.name for config in apps.get_app_configs()]
    assert _unused_tag_apps(installed, _loaded_libraries()) == []


def test_the_template_tag_check_can_fail():
    assert _unused_tag_apps(["django.contrib.humanize"], {"static"}) == ["django.contrib.humanize"]
    assert _unused_tag_apps(["django.contrib.humanize"], {"humanize"}) == []


def _hand_written_dispositions(source: str) -> list[str]:
    return [
        line.strip()
        for line in source.splitlines()
        if "Content-Disposition" in line
        and "=" in line
        and "content_disposition_header(" not in line
        and "assert" not in line
    ]


def test_content_disposition_is_made_by_djangos_helper():
    """It quotes and encodes the file name (a name outside ASCII, a quote in it) correctly."""
    found = {
        str(path.relative_to(ROOT)): lines
        for path in _python_files()
        if (lines := _hand_written_dispositions(path.read_text()))
    }
    assert found == {}
    planted = """response["Content-Disposition"] = f'attachment; filename="{name}"'"""
    assert _hand_written_dispositions(planted) == [planted]
