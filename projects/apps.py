from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "项目管理"

    def ready(self):
        # accounts imports no app: a town moved to another county (区划调整) takes its projects along.
        from accounts.services import on_town_moved

        from .services import town_projects_move

        on_town_moved(town_projects_move)
