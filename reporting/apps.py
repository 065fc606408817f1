from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "月度进展"

    def ready(self):
        # The dossier lives in `projects`, which must not import this app: it asks us for the card.
        from projects.dossier import register_section

        from .views import dossier_progress_section

        register_section("monthly_progress", dossier_progress_section)
