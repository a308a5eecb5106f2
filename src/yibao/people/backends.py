"""Authentication by identity number: a person's ID number (any document type), an employer's
USCC, a provider's code. Staff log in with their username through Django's ModelBackend."""
from django.contrib.auth.backends import ModelBackend

from yibao.people.identity import normalise
from yibao.people.models import Applicant


class ApplicantBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        number = normalise(username)
        if not number or password is None:
            return None
        applicant = Applicant.objects.select_related("user").filter(id_number=number).first()
        if applicant is None:
            return None  # maybe a staff username: ModelBackend decides
        user = applicant.user
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
