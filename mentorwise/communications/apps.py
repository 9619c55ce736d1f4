from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    name = "mentorwise.communications"
    label = "communications"
    verbose_name = "Program communications"

    def ready(self) -> None:
        # The senders of a program's standard messages (below this app) read its wording
        # through messaging.texts.
        from mentorwise.communications.texts import programs_with_own_text, standard_text
        from mentorwise.messaging.texts import program_text_register

        program_text_register(standard_text, programs_with_own_text)
