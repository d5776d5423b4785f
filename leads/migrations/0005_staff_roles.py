"""The staff roles (leads/roles.py) on a new database; `manage.py setup_roles` keeps them current."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from leads.roles import setup_roles

    setup_roles(apps=apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0004_leadexport_completed"),
        ("programs", "0002_certifications_and_programmatic_accreditors"),
        ("guides", "0003_listing_editor_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Reversing leaves the groups: they may hold staff by then.
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
