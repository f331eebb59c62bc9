"""The layout a newcomer relies on: one URL module per app, named as Django names it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("practice", "clients", "routines")


def _url_modules(app: str) -> list[str]:
    return sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / app).rglob("*.py")
        if path.name == "urls.py" or path.stem.endswith("_urls")
    )


def test_each_app_has_one_url_module():
    for app in APPS:
        assert _url_modules(app) == [f"{app}/urls.py"]
