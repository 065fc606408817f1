"""HTML routes of the projects app, one module per area so each stays readable."""

from . import imports, projects

app_name = "projects"

urlpatterns = [*projects.urlpatterns, *imports.urlpatterns]
