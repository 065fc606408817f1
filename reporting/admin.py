from django.contrib import admin

from projects.admin import ReadOnlyAdmin

from .models import MonthlyReport

admin.site.register(MonthlyReport, ReadOnlyAdmin)
