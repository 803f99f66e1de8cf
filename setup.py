"""setuptools reads the project from pyproject.toml, all but its package list: the wheel holds the
product, an editable install of a checkout the workshop too (build_backend/backend.py says why)."""

from backend import packages  # the build backend's own module (pyproject.toml: backend-path)
from setuptools import setup

setup(packages=packages())
