from django.apps import AppConfig


class ScimConfig(AppConfig):
    name = "mentorwise.scim"
    label = "scim"
    verbose_name = "SCIM provisioning"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from mentorwise.people.models import Person
        from mentorwise.scim.models import forget_erased

        post_save.connect(forget_erased, sender=Person, dispatch_uid="scim_forget_erased")
