from django.apps import AppConfig


class InclusionConfig(AppConfig):
    name = "inclusion"
    verbose_name = "入库纳统"

    def ready(self):
        # The dossier lives in `projects`, which must not import this app: it asks us for the card.
        from projects.dossier import register_section

        from .views import dossier_inclusion_section

        register_section("inclusion", dossier_inclusion_section)
