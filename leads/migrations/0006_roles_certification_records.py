"""Listing editors also manage the certification records (source link and date) added in programs 0003."""

from django.db import migrations


def update_roles(apps, schema_editor):
    from leads.roles import setup_roles

    setup_roles(apps=apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0005_staff_roles"),
        ("programs", "0003_program_certification_records"),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
