"""The shared topic vocabulary. Requirement sets map their domains onto these slugs."""

from django.db import migrations

TOPICS = [
    ("peer-support-foundations", "Foundations of peer support",
     "What peer support is, its key functions, lived experience and mutuality."),
    ("boundaries", "Boundaries",
     "Healthy limits in peer relationships: dual relationships, gifts, contact, social media."),
    ("confidentiality-privacy", "Confidentiality and privacy",
     "HIPAA, 42 CFR Part 2, consent and the limits of confidentiality."),
    ("crisis-de-escalation", "Crisis support and de-escalation",
     "No-force-first, verbal de-escalation, calling for more help."),
    ("ethics", "Ethics", "Codes of ethics, ethical decision-making, scope of practice."),
    ("professional-responsibility", "Professional responsibility",
     "Scope of practice, supervision, documentation duties and professional conduct."),
    ("advocacy", "Advocacy", "Supporting people to speak up for their rights and needs, and systems change."),
    ("mentoring-education", "Mentoring and education",
     "Role modelling, sharing information and skills, supporting goal setting."),
    ("recovery-wellness", "Recovery and wellness support",
     "Recovery-oriented, strengths-based support; wellness planning; many pathways to recovery."),
    ("whole-health", "Whole health", "Physical and mental health together: wellness, chronic conditions."),
    ("trauma-informed-care", "Trauma-informed care",
     "The principles of trauma-informed approaches and avoiding re-traumatisation."),
    ("cultural-humility", "Cultural humility", "Culture, identity, equity and respectful curiosity."),
    ("suicide-prevention", "Suicide prevention",
     "Warning signs, asking directly, safety planning, 988 and connecting to care."),
    ("self-disclosure", "Self-disclosure and recovery story",
     "Sharing one's own story with purpose and care."),
    ("communication-skills", "Communication skills",
     "Active listening, open questions, reflecting, motivational approaches."),
    ("documentation", "Documentation", "Objective, strengths-based, minimum-necessary records."),
    ("harm-reduction", "Harm reduction", "Meeting people where they are; reducing the harms of substance use."),
    ("medication-supported-recovery", "Medication-supported recovery",
     "Medications for opioid and alcohol use disorders and supporting people who use them."),
    ("co-occurring-conditions", "Co-occurring conditions",
     "Mental health and substance use conditions together."),
    ("self-care", "Self-care and wellness of the peer worker",
     "Burnout, compassion fatigue, secondary traumatic stress and personal wellness plans."),
    ("hiv-bloodborne-pathogens", "HIV and bloodborne pathogens",
     "Transmission, prevention and reducing stigma."),
    ("domestic-violence", "Domestic violence", "Recognising and responding to intimate partner violence."),
]  # fmt: skip


def create_topics(apps, schema_editor):
    Topic = apps.get_model("courses", "Topic")
    for slug, name, description in TOPICS:
        Topic.objects.update_or_create(slug=slug, defaults={"name": name, "description": description})


def remove_topics(apps, schema_editor):
    apps.get_model("courses", "Topic").objects.filter(slug__in=[t[0] for t in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]
    operations = [migrations.RunPython(create_topics, remove_topics)]
