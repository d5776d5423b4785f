"""The "Listing editor" role may add, change and view guides (no delete, no other app).

Issue 5 owns the roles (listing editor, campaign manager, lead exporter) and may extend this
group with catalog permissions; get_or_create keeps both migrations safe in either order.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Listing editor"
CODENAMES = [
    f"{action}_{model}"
    for model in ("guide", "guidestep", "guidesource")
    for action in ("add", "change", "view")
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); make them now.
    config = apps.get_app_config("guides")
    models_module = getattr(config, "models_module", None)
    config.models_module = models_module or True
    try:
        create_permissions(config, apps=apps, verbosity=0)
    finally:
        config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="guides", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="guides", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0002_ccs_guide"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
