"""Honours content the banned-term guard watches (see kexie.guard)."""

from awards.models import Award, Honour
from kexie import guard

AWARD_FIELDS = ["name", "conferring_body", "description"]
HONOUR_FIELDS = ["person_name", "unit_name", "employer", "citation"]


def _texts(model, fields):
    def texts(obj):
        return {
            str(model._meta.get_field(name).verbose_name): getattr(obj, name) for name in fields
        }

    return texts


guard.register(Award, public=Award.objects.all, texts=_texts(Award, AWARD_FIELDS))
guard.register(Honour, public=Honour.objects.all, texts=_texts(Honour, HONOUR_FIELDS))
