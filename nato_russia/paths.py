"""Every path the project uses, anchored at the project root.

Notebooks, the build and the tests ask this module for locations instead of writing
relative strings, so that everything works from any working directory.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
DESCRIPTOR = DATA_DIR / "datapackage.json"
NOTEBOOKS_DIR = ROOT / "notebooks"
FIGURES_DIR = ROOT / "figures"
REPORTS_DIR = ROOT / "reports"
PACKAGE_DIR = ROOT / "nato_russia"
VARIANTS_FILE = ROOT / "reports.yaml"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
# Caches that only save time: deleting them changes no result.
CACHE_DIR = ROOT / ".cache"
