from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who uses PeerCert. They sign in with their email address.

    The legal name is printed on certificates exactly as written here; the preferred name
    is how the site addresses them.
    """

    email = models.EmailField("email address", unique=True)
    legal_name = models.CharField(
        max_length=200,
        help_text="Your full name exactly as it must print on a certificate.",
    )
    preferred_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="What you like to be called. Leave blank to use your legal name.",
    )
    is_staff = models.BooleanField(
        default=False,
        help_text="Can sign in to the Django admin site (not used by PeerCert's roles).",
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["legal_name"]

    class Meta:
        ordering = ["legal_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="people_user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(legal_name=""), name="people_user_legal_name_not_blank"
            ),
        ]
        permissions = [
            ("study", "Can enrol in courses and record their own learning"),
            ("supervise", "Can review the hours logged by their supervisees"),
            ("verify_credentials", "Can look up and verify certificates"),
        ]

    def __str__(self):
        return f"{self.legal_name} <{self.email}>"

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)
        self.legal_name = " ".join(self.legal_name.split())
        self.preferred_name = " ".join(self.preferred_name.split())

    def get_full_name(self):
        return self.legal_name

    def get_short_name(self):
        return self.preferred_name or self.legal_name
