# ruff: noqa: E501 (the guide text is HTML, one paragraph a line)
"""The career guide the site began with: "How to become a Certified Coding Specialist".

Written in our own words. Pay and outlook are not in this text: the page renders them live from
the BLS rows the catalog importer loads. After this migration the guide belongs to the editors,
who change it in the admin; this file is its first version, not its source of truth.
The HTML is already in the allowed subset (guides/sanitize.py), so it is stored as written.
"""

import datetime

from django.db import migrations

SLUG = "certified-coding-specialist"
WRITTEN_ON = datetime.date(2026, 11, 26)
AHIMA_CCS = "https://www.ahima.org/certification-careers/certifications-overview/ccs"

GUIDE = {
    "title": "How to become a Certified Coding Specialist",
    "meta_description": (
        "What a Certified Coding Specialist does, where they work, what BLS data says about pay, "
        "and the five steps to the AHIMA CCS exam, with real programs to compare."
    ),
    "summary": (
        "A Certified Coding Specialist turns what doctors and nurses write in a patient's record into "
        "the standard codes hospitals use to get paid and to track care. This guide explains the work, "
        "where it is done, the training, what official pay data says, and the five steps to the "
        "credential, with links to real programs you can compare."
    ),
    "occupation_cip_codes": "51.0713, 51.0707",
    "body": f"""<h2>What a Certified Coding Specialist does</h2>
<p>Every hospital stay, emergency visit and outpatient procedure leaves a record: the doctor's notes, test results, the operation report. A medical coder reads that record and translates each diagnosis and procedure into standard codes: ICD-10-CM for diagnoses, ICD-10-PCS for procedures during a hospital stay, and CPT and HCPCS for outpatient services and supplies. Insurers, Medicare and Medicaid pay claims from those codes, and researchers and public health agencies use the same coded data to follow diseases and the quality of care.</p>
<p>The <strong>Certified Coding Specialist (CCS)</strong> is a credential awarded by AHIMA, the American Health Information Management Association, to coders who pass its exam. AHIMA describes CCS holders as coders who classify data from patient records, most often in hospitals (<a href="{AHIMA_CCS}" rel="nofollow noopener">AHIMA: Certified Coding Specialist</a>). The work involves:</p>
<ul>
<li>reading clinical documentation closely and choosing the codes it supports, no more and no less;</li>
<li>asking the physician a question when the record is unclear or incomplete;</li>
<li>following the official coding guidelines and payer rules, which change every year;</li>
<li>checking coded data for accuracy, because errors lead to denied claims and compliance problems.</li>
</ul>
<p>Coding is careful reading done mostly at a computer. It is not a clinical job: coders do not treat patients.</p>
<h2>Where they work</h2>
<p>The CCS is built around hospital coding, for inpatient stays and outpatient visits, so hospitals and health systems are the classic employers. Coders also work for physician practices and outpatient surgery centers, for insurance companies that review claims, for coding and billing companies that serve many clinics, and for government agencies. Some employers let experienced coders work from home; that is the employer's choice, not something the credential gives you.</p>
<h2>Training</h2>
<p>Employers look for proof of skill, which usually means formal training followed by a credential. A good coding program covers medical terminology, anatomy and physiology, pathophysiology (how diseases work), pharmacology, the ICD-10-CM, ICD-10-PCS, CPT and HCPCS code sets, and how hospitals and doctors are paid. These are the subjects AHIMA recommends studying before the CCS exam.</p>
<p>Two quality marks are worth looking for:</p>
<ul>
<li><strong>CAHIIM accreditation.</strong> The Commission on Accreditation for Health Informatics and Information Management Education (<a href="https://www.cahiim.org/" rel="nofollow noopener">CAHIIM</a>) accredits health information degree programs. It is recognised by the Council for Higher Education Accreditation (CHEA), not by the U.S. Department of Education, and it is separate from the accreditation of the college as a whole. Graduates of CAHIIM-accredited associate and bachelor's programs can sit for AHIMA's RHIT and RHIA exams.</li>
<li><strong>AHIMA PCAP approval.</strong> AHIMA's Professional Certificate Approval Program reviews coding certificate programs against AHIMA's curriculum. Approval is not accreditation, but it tells you the course was checked against what AHIMA expects coders to know.</li>
</ul>
<p>Neither mark appears in any federal dataset. Our catalog shows CAHIIM accreditation or PCAP approval only where an editor has checked the accreditor's own records and noted the date and the source. Confirm it with <a href="https://www.cahiim.org/" rel="nofollow noopener">CAHIIM</a> or <a href="https://www.ahima.org/" rel="nofollow noopener">AHIMA</a> before you enrol, and make sure the college itself is institutionally accredited: our program pages show that from Department of Education data.</p>""",
}

STEPS = [
    {
        "title": "Finish high school, or earn a GED or HiSET",
        "body": f"""<p>College coding programs ask for a high school diploma or a recognised equivalent, and AHIMA lists a high school diploma as the requirement to sit for the CCS exam (<a href="{AHIMA_CCS}" rel="nofollow noopener">AHIMA: Certified Coding Specialist</a>). If you have an equivalency credential instead of a diploma, ask AHIMA and each school to confirm they accept it before you pay a fee.</p>
<p>If you did not finish high school, you can still get there by earning a high school equivalency credential. The two main tests are the <a href="https://www.ged.com/" rel="nofollow noopener">GED</a> and the <a href="https://hiset.org/" rel="nofollow noopener">HiSET</a>. Which test your state offers, what it costs and whether you can take it online depend on where you live: the official sites explain the rules for each state. Many states fund adult education classes that prepare you for the test; your state's adult education office or a local community college can tell you where they are.</p>
<p>Our catalog lists college programs from federal data, which does not include high school equivalency classes. The link below explains where to look instead.</p>""",
        "catalog_query": "credential=high_school",
        "link_label": "Diploma and GED options",
    },
    {
        "title": "Complete a medical coding training program",
        "body": """<p>Most people start with a coding certificate from a community college, a university or an online school. Online certificates are often advertised as 4 to 6 months of full-time study; part-time study, a practicum or a broader curriculum take longer. The federal data behind our catalog records only a band (for example "12 weeks to under 1 year"), so check each school's own figure.</p>
<p>Choose a program that covers the subjects AHIMA recommends (medical terminology, anatomy and physiology, pathophysiology, pharmacology, ICD-10-CM, ICD-10-PCS, CPT and HCPCS, and reimbursement), ideally one that is CAHIIM-accredited (degrees) or AHIMA PCAP-approved (certificates). Ask each school what its graduates go on to do, how many pass the certification exams, and the full cost, including books and exam fees.</p>""",
        "catalog_query": "delivery=online&credential=certificate&certification=CCS",
        "link_label": "Online certificates that prepare for the CCS",
    },
    {
        "title": "Consider an associate or bachelor's degree (optional)",
        "body": """<p>You do not need a degree to take the CCS exam. A degree in health information technology (associate) or health information management (bachelor's) takes longer, but teaches more than coding: data quality, privacy law, health record systems and management. Graduates of CAHIIM-accredited programs can sit for AHIMA's RHIT (associate) or RHIA (bachelor's) exam, and AHIMA lists holding an RHIT or RHIA as one way to be ready for the CCS.</p>
<p>Some employers prefer a degree for coding supervisor, auditor or health information management roles. If you already have college credits, ask whether they transfer.</p>""",
        "catalog_query": "credential=associate&credential=bachelors&cip=51.0707&cip=51.0706",
        "link_label": "Associate and bachelor's degrees in health information",
    },
    {
        "title": "Get hands-on coding experience",
        "body": f"""<p>The CCS is an exam for experienced coders. AHIMA does not require work experience to sit for it, but it recommends that candidates have at least one of the following (<a href="{AHIMA_CCS}" rel="nofollow noopener">AHIMA: Certified Coding Specialist</a>):</p>
<ul>
<li>at least two years of experience directly applying codes;</li>
<li>courses in anatomy and physiology, pathophysiology, pharmacology, medical terminology, reimbursement methodology, intermediate or advanced ICD diagnostic coding and procedural coding, plus one year of coding experience;</li>
<li>the CCA credential, or a coding credential from another certifying body, plus one year of coding experience;</li>
<li>a CCS-P, RHIT or RHIA credential.</li>
</ul>
<p>Many new coders first earn an entry-level credential such as AHIMA's Certified Coding Associate (CCA) or AAPC's Certified Professional Coder (CPC), then build experience in roles such as coding clerk, charge entry or release of information. A program with a supervised practicum gives you real records to code before your first job.</p>""",
        "catalog_query": "certification=CCA&certification=CPC",
        "link_label": "Programs that prepare for the CCA or CPC",
    },
    {
        "title": "Pass the CCS exam",
        "body": f"""<p>According to AHIMA (as checked on 26 November 2026), the CCS exam lasts <strong>four hours</strong> and has <strong>115 to 140 questions</strong>: multiple-choice questions and medical record cases in which you assign the codes yourself. Some questions are unscored pretest items. The passing score is <strong>300</strong> on AHIMA's scaled score. Exam details change with new versions, so read AHIMA's current CCS candidate guide before you apply (<a href="{AHIMA_CCS}" rel="nofollow noopener">AHIMA: Certified Coding Specialist</a>).</p>
<p>To apply, create an account with AHIMA, send the application and fee online, and book the exam with Pearson VUE within the window AHIMA gives you. Fees differ for AHIMA members and non-members: check AHIMA's site for the current amounts. To keep the credential you earn continuing education units and pay a recertification fee every two-year cycle.</p>
<p>We are not affiliated with AHIMA. Passing the exam does not guarantee a job or a particular salary.</p>""",
        "catalog_query": "certification=CCS",
        "link_label": "Programs that prepare for the CCS exam",
    },
]

SOURCES = [
    ("AHIMA", "Certified Coding Specialist (CCS)", AHIMA_CCS,
     "eligibility, recommended preparation, exam length, questions, passing score, recertification"),
    ("AHIMA", "About the exams", "https://www.ahima.org/certification-careers/certification-exams/",
     "question types and unscored pretest questions"),
    ("CAHIIM", "Commission on Accreditation for Health Informatics and Information Management Education",
     "https://www.cahiim.org/", "what CAHIIM accredits"),
    ("GED Testing Service", "GED", "https://www.ged.com/", "the GED test and its rules by state"),
    ("HiSET", "HiSET high school equivalency test", "https://hiset.org/", "the HiSET test and its rules by state"),
]  # fmt: skip


def create_guide(apps, schema_editor):
    Guide = apps.get_model("guides", "Guide")
    if Guide.objects.filter(slug=SLUG).exists():
        return
    guide = Guide.objects.create(
        slug=SLUG, status="published", published_on=WRITTEN_ON, updated_on=WRITTEN_ON, **GUIDE
    )
    GuideStep = apps.get_model("guides", "GuideStep")
    GuideStep.objects.bulk_create(
        GuideStep(guide=guide, position=position, **step) for position, step in enumerate(STEPS, start=1)
    )
    GuideSource = apps.get_model("guides", "GuideSource")
    GuideSource.objects.bulk_create(
        GuideSource(
            guide=guide, position=position, publisher=publisher, title=title, url=url,
            checked_on=WRITTEN_ON, supports=supports,
        )
        for position, (publisher, title, url, supports) in enumerate(SOURCES, start=1)
    )  # fmt: skip


def remove_guide(apps, schema_editor):
    apps.get_model("guides", "Guide").objects.filter(slug=SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("guides", "0001_initial")]

    operations = [migrations.RunPython(create_guide, remove_guide)]
