"""Building benchmark data quickly: rows in bulk, through the same models the app uses."""

from pathlib import Path

from django.utils import timezone

from certificates.models import CertificateProgram
from certificates.requirements_load import credentials_load
from courses.models import Enrolment, LessonProgress
from people import roles
from people.models import User
from tests.courses.builders import catalogue_under, course_under, lesson_under, module_under

CREDENTIALS = Path(__file__).resolve().parents[1] / "fixtures" / "credentials.toml"


def users_bulk(count: int, *, prefix: str, role: str = roles.TRAINEE) -> list[User]:
    names = [
        "Nguyễn Thị Minh Khai", "Amira Haddad", "Wei Zhang", "Ana María Rodríguez",
        "Samuel Whitehorse", "Grace Okafor", "Fatima Al-Sayed", "Lena Kowalski",
    ]  # fmt: skip
    users = User.objects.bulk_create(
        User(
            email=f"{prefix}-{number}@bench.peercert.test",
            legal_name=f"{names[number % len(names)]} {number}",
            preferred_name=names[number % len(names)].split()[0],
            password="!",  # no usable password: benchmark people never sign in
        )
        for number in range(count)
    )
    group = roles.role_group(role)
    group.user_set.through.objects.bulk_create(
        group.user_set.through(user_id=user.pk, group_id=group.pk) for user in users
    )
    return users


def training_course(home_page, *, slug="bench-training"):
    """A course whose lessons credit, together, Pennsylvania CPS's 75 training hours."""
    course = course_under(catalogue_under(home_page), slug=slug, title="Benchmark training")
    module = module_under(course, slug="all")
    lessons = [
        lesson_under(module, slug="ethics", credits={"ethics": 30 * 60}),
        lesson_under(module, slug="foundations", credits={"peer-support-foundations": 45 * 60}),
    ]
    return course, lessons


def complete_lessons(users, course, lessons) -> None:
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(user=user, course=course) for user in users
    )
    now = timezone.now()
    LessonProgress.objects.bulk_create(
        LessonProgress(enrolment=enrolment, lesson=lesson, engaged_seconds=0, completed_at=now)
        for enrolment in enrolments
        for lesson in lessons
    )


def pa_program(**fields) -> CertificateProgram:
    credentials_load(CREDENTIALS)
    from certificates.models import Credential

    return CertificateProgram.objects.create(
        slug="pa-cps-training",
        title="Certificate of Training",
        attests=CertificateProgram.Attests.CREDENTIAL_TRAINING,
        credential=Credential.objects.get(code="PA-CPS"),
        valid_for_months=24,
        **fields,
    )
