"""The certifications programs prepare for, and the programmatic accreditors admins record."""

from django.db import migrations

CERTIFICATIONS = [
    ("CCA", "Certified Coding Associate", "AHIMA", "https://www.ahima.org/"),
    ("CCS", "Certified Coding Specialist", "AHIMA", "https://www.ahima.org/"),
    ("CCS-P", "Certified Coding Specialist - Physician-based", "AHIMA", "https://www.ahima.org/"),
    ("RHIT", "Registered Health Information Technician", "AHIMA", "https://www.ahima.org/"),
    ("RHIA", "Registered Health Information Administrator", "AHIMA", "https://www.ahima.org/"),
    ("CPC", "Certified Professional Coder", "AAPC", "https://www.aapc.com/"),
    ("CPB", "Certified Professional Biller", "AAPC", "https://www.aapc.com/"),
]

ACCREDITORS = [
    (
        "Commission on Accreditation for Health Informatics and Information Management Education",
        "CAHIIM",
        "Council for Higher Education Accreditation (CHEA)",
        "https://www.cahiim.org/",
    ),
    ("AHIMA Professional Certificate Approval Program", "PCAP", "AHIMA", "https://www.ahima.org/"),
]


def seed(apps, schema_editor):
    Certification = apps.get_model("programs", "Certification")
    Accreditor = apps.get_model("programs", "Accreditor")
    for code, name, body, url in CERTIFICATIONS:
        Certification.objects.update_or_create(code=code, defaults={"name": name, "body": body, "url": url})
    for name, short_name, recognized_by, url in ACCREDITORS:
        Accreditor.objects.update_or_create(
            name=name,
            defaults={
                "short_name": short_name,
                "kind": "programmatic",
                "recognized_by": recognized_by,
                "website": url,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("programs", "Certification").objects.filter(code__in=[c[0] for c in CERTIFICATIONS]).delete()
    apps.get_model("programs", "Accreditor").objects.filter(short_name__in=["CAHIIM", "PCAP"]).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
