import factory
from allauth.account.models import EmailAddress

from people import roles
from people.mfa import totp_activate
from people.models import User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified email. Pass role=... to put them in one of the five roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    legal_name = factory.Faker("name")
    preferred_name = factory.LazyAttribute(lambda person: person.legal_name.split()[0])
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(roles.role_group(extracted))

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def totp_secret(self, create, extracted, **kwargs):
        if create and extracted:
            totp_activate(user=self, secret=extracted)
