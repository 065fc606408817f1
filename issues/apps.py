from django.apps import AppConfig


def _dossier_tickets(user, project):
    from .views import dossier_tickets_section

    return dossier_tickets_section(user, project)


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = "问题督办"

    def ready(self):
        # The dossier lives in `projects`, which must not import this app: it asks us for the card.
        # The views are imported when the card is first drawn, not while the apps load.
        from projects.dossier import register_section

        register_section("tickets", _dossier_tickets)
