from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = "问题督办"

    def ready(self):
        # The dossier lives in `projects`, which must not import this app: it asks us for the card.
        from projects.dossier import register_section

        from .views import dossier_tickets_section

        register_section("tickets", dossier_tickets_section)
