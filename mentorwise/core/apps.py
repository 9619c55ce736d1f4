from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mentorwise.core"
    label = "core"
    verbose_name = "Mentorwise core"

    def ready(self) -> None:
        # Every database connection reports its writes to the aggregate cache.
        from mentorwise.core import aggregates  # noqa: F401
