"""mypy with django-stubs runs in `make lint` (so in CI) at zero errors on the app code.

No app module is exempt: a new error fails `make lint` rather than joining an ignore list.
"""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _mypy() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]


def test_mypy_checks_the_app_code_with_the_django_plugin():
    config = _mypy()
    assert "mypy_django_plugin.main" in config["plugins"]
    assert {"practice", "clients", "routines", "manage.py"} <= set(config["files"])
    assert "mypy" in (ROOT / "Makefile").read_text().split("\nlint:")[1].split("\n\n")[0]


def test_no_app_module_is_exempt():
    exempt = [
        module
        for override in _mypy()["overrides"]
        if override.get("ignore_errors")
        for module in override["module"]
    ]
    assert exempt == [], "fix the module's types instead of exempting it"
