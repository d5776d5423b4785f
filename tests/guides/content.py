"""The CCS guide and the listing editor role, as the migrations create them.

Transactional tests (the browser tests) empty the database after each test, so they put back
what the data migrations made by running the same functions.
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.contrib.auth.models import Group

from guides.models import Guide

CCS_SLUG = "certified-coding-specialist"
_guide_migration = importlib.import_module("guides.migrations.0002_ccs_guide")
_group_migration = importlib.import_module("guides.migrations.0003_listing_editor_group")


def ccs_guide() -> Guide:
    _guide_migration.create_guide(apps, None)
    return Guide.objects.get(slug=CCS_SLUG)


def listing_editor_group() -> Group:
    _group_migration.grant(apps, None)
    return Group.objects.get(name=_group_migration.GROUP)
