"""Shared logic for the NATO–Russia relations report: data loading, analysis, charts and the build."""

__version__ = "0.1.0"
