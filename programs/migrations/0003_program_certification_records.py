"""The certifications a program prepares for get a source link and a checked date.

The many-to-many table already exists; this takes it over as an explicit model (state only) and
then adds the two columns.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("programs", "0002_certifications_and_programmatic_accreditors")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProgramCertification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "program",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="certification_records",
                                to="programs.program",
                            ),
                        ),
                        (
                            "certification",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="programs.certification",
                            ),
                        ),
                    ],
                    options={"db_table": "programs_program_certifications"},
                ),
                migrations.AlterField(
                    model_name="program",
                    name="certifications",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="programs",
                        through="programs.ProgramCertification",
                        to="programs.certification",
                        verbose_name="certifications prepared for",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="programcertification",
            name="source_url",
            field=models.URLField(
                default="",
                help_text="The school's page that says the program prepares for it.",
                max_length=500,
                verbose_name="source link",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="programcertification",
            name="checked_on",
            field=models.DateField(help_text="When the source was checked.", null=True),
        ),
        migrations.AlterModelOptions(
            name="programcertification",
            options={"ordering": ["certification__code"], "verbose_name": "certification prepared for"},
        ),
        migrations.AddConstraint(
            model_name="programcertification",
            constraint=models.UniqueConstraint(fields=("program", "certification"), name="program_certification_unique"),
        ),
    ]
