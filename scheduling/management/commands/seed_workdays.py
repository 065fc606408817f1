"""Add a year's holiday and 调休 arrangement to the working-day table from the `chinesecalendar` package.

python manage.py seed_workdays 2027
"""

from django.core.management.base import BaseCommand, CommandError

from scheduling import services
from scheduling.exceptions import DispatchError


class Command(BaseCommand):
    help = "从 chinesecalendar 软件包导入某年的放假与调休安排（已录入的日期保持不变）。"

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="+", type=int)

    def handle(self, *args, years, **options):
        for year in years:
            try:
                n = services.workdays_import_year(actor=None, year=year)
            except DispatchError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{year}年：新增 {n} 天")
