"""Loading the demo in fixtures/demo.toml: the site, its pages and one account per role."""

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from assessments import hours
from assessments.models import DrawRule, Quiz, Supervision
from assessments.question_bank import questions_load
from certificates.models import CertificateProgram, CertifierScope, Credential, CredentialGoal
from certificates.requirements_load import credentials_load
from courses.curriculum import course_load
from courses.models import (
    Cohort,
    CourseCataloguePage,
    CoursePage,
    LessonPage,
    LiveSession,
    LiveSessionTopicCredit,
    Topic,
)
from courses.services import enrolment_create
from people import services as people_services
from people.mfa import totp_activate
from people.models import User

from .models import ContentPage, HomePage

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo.toml"
CURRICULUM_DIR = Path(settings.BASE_DIR) / "fixtures" / "curriculum"
QUESTIONS_DIR = Path(settings.BASE_DIR) / "fixtures" / "questions"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    legal_name: str
    preferred_name: str
    role: str
    totp_secret: str | None
    extra_roles: tuple[str, ...] = ()


@dataclass
class DemoLoadResult:
    created: list[str]
    accounts: list[DemoAccount]
    password: str


def demo_read(path: Path = DEMO_FILE) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def demo_accounts(data: dict) -> list[DemoAccount]:
    return [
        DemoAccount(
            email=person["email"],
            legal_name=person["legal_name"],
            preferred_name=person.get("preferred_name", ""),
            role=person["role"],
            totp_secret=person.get("totp_secret"),
            extra_roles=tuple(person.get("extra_roles", ())),
        )
        for person in data["accounts"]["people"]
    ]


@transaction.atomic
def demo_load(path: Path = DEMO_FILE) -> DemoLoadResult:
    """Create whatever of the demo is missing. Idempotent: a second run creates nothing and
    changes nothing, and existing records (a changed password, an edited page) are left alone.
    """
    data = demo_read(path)
    created: list[str] = []
    home = _home_page_ensure(data, created)
    for page_data in data.get("pages", []):
        _content_page_ensure(home, page_data, created)
    catalogue = _catalogue_ensure(home, data["catalogue"], created)
    for course_slug in data["catalogue"]["courses"]:
        course = course_load(catalogue=catalogue, path=CURRICULUM_DIR / f"{course_slug}.toml")
        if course is not None:
            created.append(f"course {course.title!r}")
    accounts = demo_accounts(data)
    password = data["accounts"]["password"]
    for account in accounts:
        _account_ensure(account, password, created)
    for cohort_data in data.get("cohorts", []):
        _cohort_ensure(catalogue, cohort_data, created)
    for course_slug in data["catalogue"]["courses"]:
        bank = QUESTIONS_DIR / f"{course_slug}.toml"
        added = questions_load(bank)
        if added:
            created.append(f"{added} questions for {course_slug}")
    for quiz_data in data.get("quizzes", []):
        _quiz_ensure(catalogue, quiz_data, created)
    if "supervision" in data:
        _supervision_ensure(data["supervision"], created)
    if "certification" in data:
        _certification_ensure(catalogue, data["certification"], created)
    return DemoLoadResult(created=created, accounts=accounts, password=password)


def _home_page_ensure(data: dict, created: list[str]) -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's migrations leave a placeholder "Welcome" page where our home page belongs.
        placeholders = root.get_children().filter(
            slug=data["home"]["slug"],
            content_type__app_label="wagtailcore",
            content_type__model="page",
        )
        for placeholder in placeholders:
            placeholder.delete()
        home = root.add_child(
            instance=HomePage(
                title=data["home"]["title"],
                slug=data["home"]["slug"],
                intro=data["home"]["intro"],
                body=data["home"]["body"].strip(),
            )
        )
        home.save_revision().publish()
        created.append(f"home page {home.title!r}")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname=data["site"]["hostname"],
            root_page=home,
            is_default_site=True,
            site_name=data["site"]["site_name"],
        )
        created.append("default site")
    elif site.root_page_id != home.pk or site.site_name != data["site"]["site_name"]:
        site.root_page = home
        site.site_name = data["site"]["site_name"]
        site.save()
        created.append("default site pointed at the home page")
    return home


def _content_page_ensure(home: HomePage, page_data: dict, created: list[str]) -> None:
    if home.get_children().filter(slug=page_data["slug"]).exists():
        return
    page = home.add_child(
        instance=ContentPage(
            title=page_data["title"],
            slug=page_data["slug"],
            summary=page_data.get("summary", ""),
            body=[("text", page_data["body"].strip())],
        )
    )
    page.save_revision().publish()
    created.append(f"page {page.title!r}")


def _catalogue_ensure(home: HomePage, data: dict, created: list[str]) -> CourseCataloguePage:
    catalogue = CourseCataloguePage.objects.child_of(home).first()
    if catalogue is None:
        catalogue = home.add_child(
            instance=CourseCataloguePage(
                title=data["title"], slug=data["slug"], intro=data["intro"]
            )
        )
        catalogue.save_revision().publish()
        created.append(f"course catalogue {catalogue.title!r}")
    return catalogue


def _account_ensure(account: DemoAccount, password: str, created: list[str]) -> None:
    user = User.objects.filter(email__iexact=account.email).first()
    if user is None:
        user = people_services.user_create(
            email=account.email,
            legal_name=account.legal_name,
            preferred_name=account.preferred_name,
            password=password,
            role=account.role,
        )
        for role in account.extra_roles:
            people_services.user_role_add(user=user, role=role)
        created.append(f"{account.role.lower()} {account.email}")
    EmailAddress.objects.get_or_create(
        user=user, email=account.email, defaults={"verified": True, "primary": True}
    )
    if account.totp_secret:
        totp_activate(user=user, secret=account.totp_secret)


def _cohort_ensure(catalogue: CourseCataloguePage, data: dict, created: list[str]) -> None:
    course = CoursePage.objects.child_of(catalogue).get(slug=data["course"])
    if Cohort.objects.filter(course=course, name=data["name"]).exists():
        return
    cohort = Cohort.objects.create(course=course, name=data["name"], starts_on=date.today())
    trainers = [User.objects.get(email__iexact=email) for email in data["trainers"]]
    cohort.trainers.set(trainers)
    for email in data["trainees"]:
        enrolment_create(
            user=User.objects.get(email__iexact=email),
            course=course,
            cohort=cohort,
            enrolled_by=trainers[0],
        )
    for session_data in data.get("live_sessions", []):
        day = timezone.localdate() + timedelta(days=session_data["starts_in_days"])
        starts_at = timezone.make_aware(datetime.combine(day, time(session_data["hour"])))
        session = LiveSession(
            course=course,
            cohort=cohort,
            title=session_data["title"],
            trainer=trainers[0],
            mode=session_data["mode"],
            location=session_data["location"],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=session_data["minutes"]),
        )
        session.full_clean()
        session.save()
        for slug, minutes in session_data["credits"].items():
            LiveSessionTopicCredit.objects.create(
                session=session, topic=Topic.objects.get(slug=slug), minutes=minutes
            )
    created.append(f"cohort {cohort.name!r}")


def _quiz_ensure(catalogue: CourseCataloguePage, data: dict, created: list[str]) -> None:
    if Quiz.objects.filter(slug=data["slug"]).exists():
        return
    course = CoursePage.objects.child_of(catalogue).get(slug=data["course"])
    lesson = (
        LessonPage.objects.descendant_of(course).get(slug=data["lesson"])
        if data.get("lesson")
        else None
    )
    quiz = Quiz(
        title=data["title"],
        slug=data["slug"],
        course=course,
        lesson=lesson,
        instructions=data.get("instructions", ""),
        pass_mark=data.get("pass_mark", 80),
        max_attempts=data.get("max_attempts"),
        wait_minutes=data.get("wait_minutes", 0),
        time_limit_minutes=data.get("time_limit_minutes"),
    )
    quiz.full_clean()
    quiz.save()
    for slug, count in data["draws"].items():
        DrawRule.objects.create(quiz=quiz, topic=Topic.objects.get(slug=slug), count=count)
    created.append(f"quiz {quiz.title!r}")


def _supervision_ensure(data: dict, created: list[str]) -> None:
    trainee = User.objects.get(email__iexact=data["trainee"])
    if Supervision.objects.filter(trainee=trainee).exists():
        return
    supervisor = User.objects.get(email__iexact=data["supervisor"])
    today = timezone.localdate()
    hours.supervision_assign(
        trainee=trainee,
        supervisor=supervisor,
        credential=data["supervisor_credential"],
        program_started_on=today - timedelta(days=data["program_started_days_ago"]),
        assigned_by=User.objects.get(email__iexact=data["assigned_by"]),
    )
    for entry_data in data.get("entries", []):
        entry = hours.hours_entry_save(
            trainee=trainee,
            data={
                "worked_on": today - timedelta(days=entry_data["days_ago"]),
                "minutes": entry_data["minutes"],
                "activity": entry_data["activity"],
                "setting": entry_data["setting"],
                "description": entry_data["description"],
                "topics": list(Topic.objects.filter(slug__in=entry_data.get("topics", []))),
            },
            submit=entry_data["status"] != "draft",
        )
        if entry_data["status"] == "approved":
            hours.hours_entries_approve(supervisor=supervisor, entry_ids=[entry.pk])
    created.append(f"supervision of {trainee.email} by {supervisor.email}")


def _certification_ensure(catalogue: CourseCataloguePage, data: dict, created: list[str]) -> None:
    created.extend(credentials_load(Path(settings.BASE_DIR) / "fixtures" / data["credentials"]))
    for program_data in data.get("programs", []):
        if CertificateProgram.objects.filter(slug=program_data["slug"]).exists():
            continue
        program = CertificateProgram(
            slug=program_data["slug"],
            title=program_data["title"],
            attests=program_data["attests"],
            issuing=program_data["issuing"],
            valid_for_months=program_data.get("valid_for_months"),
        )
        if "course" in program_data:
            program.course = (
                CoursePage.objects.child_of(catalogue).get(slug=program_data["course"]).specific
            )
        if "credential" in program_data:
            program.credential = Credential.objects.get(code=program_data["credential"])
        program.full_clean()
        program.save()
        created.append(f"certificate program {program.slug}")
    for scope in data.get("scopes", []):
        certifier = User.objects.get(email__iexact=scope["certifier"])
        for code in scope["credentials"]:
            _, made = CertifierScope.objects.get_or_create(
                certifier=certifier, credential=Credential.objects.get(code=code)
            )
            if made:
                created.append(f"certifier scope {certifier.email} for {code}")
    for goal in data.get("goals", []):
        user = User.objects.get(email__iexact=goal["trainee"])
        _, made = CredentialGoal.objects.get_or_create(
            user=user, defaults={"credential": Credential.objects.get(code=goal["credential"])}
        )
        if made:
            created.append(f"credential goal of {user.email}")
