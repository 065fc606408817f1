"""`python manage.py load_outlines areas.geojson --user admin`: store the areas' outlines for the map."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from dashboards.services import outlines_load


class Command(BaseCommand):
    help = "导入地区边界（GeoJSON FeatureCollection，按 properties.adcode 或 name 匹配县区）。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", default="admin", help="以该用户身份导入（管理员或专班办公室）")
        parser.add_argument("--source", default="", help="来源说明")

    def handle(self, *args, file, user, source, **options):
        try:
            with open(file, encoding="utf-8") as fh:
                data = json.load(fh)
            actor = User.objects.get(username=user)
            count = outlines_load(actor=actor, geojson=data, source=source or file)
        except (OSError, ValueError, User.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"已导入{count}个地区边界。"))
