"""The three staff roles, as Django groups with exactly these permissions.

- Listing editor: the catalog (institutions, programs, accreditation, certifications...) and the
  career guides: add, change and view, never delete. Nothing in leads: no leads, no campaigns.
- Campaign manager: sponsors and campaigns (add, change, view), their audit trail and the export
  log (view), the dashboard. Sees how many lead requests each campaign has, never who sent them:
  no leads.view_lead. Viewing programs and institutions lets them pick what a campaign promotes.
- Lead exporter: leads with their personal data, lead requests, the CSV export and its log, the
  dashboard, and sponsors and campaigns read-only (exports are made per sponsor).

`setup_roles` makes the groups hold exactly these permissions (adding what is missing and removing
anything else), so it is safe to run again; `manage.py setup_roles` runs it, and so does migration
leads 0005 on a new database. The guides migration 0003 creates "Listing editor" with the guides
permissions; this extends that same group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

LISTING_EDITOR = "Listing editor"
CAMPAIGN_MANAGER = "Campaign manager"
LEAD_EXPORTER = "Lead exporter"

CATALOG_MODELS = (
    "institution",
    "program",
    "accreditation",
    "accreditor",
    "certification",
    "programcertification",
    "cipcode",
    "occupation",
)
GUIDE_MODELS = ("guide", "guidestep", "guidesource")


def _perms(app: str, models: tuple[str, ...], actions: tuple[str, ...]) -> list[str]:
    return [f"{app}.{action}_{model}" for model in models for action in actions]


ROLES: dict[str, list[str]] = {
    LISTING_EDITOR: [
        *_perms("programs", CATALOG_MODELS, ("add", "change", "view")),
        # A wrong "prepares for" claim must be removable, not only editable.
        "programs.delete_programcertification",
        "programs.view_catalogimport",
        *_perms("guides", GUIDE_MODELS, ("add", "change", "view")),
    ],
    CAMPAIGN_MANAGER: [
        *_perms("leads", ("sponsor", "sponsorship"), ("add", "change", "view")),
        "leads.view_sponsorshipchange",
        "leads.view_leadexport",
        "leads.view_campaigndashboard",
        "programs.view_program",
        "programs.view_institution",
    ],
    LEAD_EXPORTER: [
        "leads.view_lead",
        "leads.view_lead_personal_data",
        "leads.view_leadrequest",
        "leads.export_leadrequest",
        "leads.view_leadexport",
        "leads.view_campaigndashboard",
        "leads.view_sponsor",
        "leads.view_sponsorship",
    ],
}


@dataclass
class RoleChange:
    role: str
    created: bool = False
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.created or bool(self.added or self.removed)


def setup_roles(*, apps: Any = global_apps, dry_run: bool = False, strict: bool = True) -> list[RoleChange]:
    """Create or correct the three groups. `apps` is the migration's registry inside a migration.

    Migrations pass strict=False: a permission whose model a later migration creates is left out
    then, and the later migration that runs this again adds it.
    """
    for label in ("programs", "guides", "leads"):
        # Permissions are normally created after migrate (post_migrate); a migration needs them now.
        config = apps.get_app_config(label)
        models_module = getattr(config, "models_module", None)
        config.models_module = models_module or True
        try:
            create_permissions(config, apps=apps, verbosity=0)
        finally:
            config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    wanted = {name for names in ROLES.values() for name in names}
    by_name = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.filter(
            content_type__app_label__in=["programs", "guides", "leads"]
        ).values_list("pk", "content_type__app_label", "codename")
    }
    missing = sorted(wanted - by_name.keys())
    if missing and strict:
        raise LookupError(f"These permissions do not exist: {', '.join(missing)}")
    names_by_pk = {pk: name for name, pk in by_name.items()}

    changes = []
    for role, all_permissions in ROLES.items():
        permissions = [name for name in all_permissions if name in by_name]
        group = Group.objects.filter(name=role).first()
        change = RoleChange(role=role, created=group is None)
        current = set()
        if group is not None:
            current = {
                names_by_pk.get(pk) or f"{app}.{codename}"
                for pk, app, codename in group.permissions.values_list(
                    "pk", "content_type__app_label", "codename"
                )
            }
        change.added = sorted(set(permissions) - current)
        change.removed = sorted(current - set(permissions))
        changes.append(change)
        if dry_run or not change.changed:
            continue
        if group is None:
            group = Group.objects.create(name=role)
        group.permissions.set(Permission.objects.filter(pk__in=[by_name[name] for name in permissions]))
    return changes
