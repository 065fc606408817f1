"""The admin loads area outlines (GeoJSON) here or with `manage.py load_outlines FILE`."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path

from .models import AreaOutline, Bulletin, BulletinTemplate, RacePublication, RaceScheme, Target
from .services import outlines_load


class OutlineUploadForm(forms.Form):
    file = forms.FileField(label="GeoJSON 文件（FeatureCollection，properties 含 adcode 或 name）")
    source = forms.CharField(label="来源说明", max_length=200, required=False)


@admin.register(AreaOutline)
class AreaOutlineAdmin(admin.ModelAdmin):
    list_display = ("organisation", "source", "updated_at")
    change_list_template = "admin/dashboards/areaoutline/change_list.html"

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload), name="dashboards_areaoutline_upload")
        ] + super().get_urls()

    def upload(self, request):
        form = OutlineUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                data = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
                count = outlines_load(actor=request.user, geojson=data, source=form.cleaned_data["source"])
                messages.success(request, f"已导入{count}个地区边界。")
                return redirect("admin:dashboards_areaoutline_changelist")
            except (ValueError, UnicodeDecodeError):
                form.add_error("file", "不是有效的 GeoJSON 文件。")
            except ValidationError as exc:
                form.add_error("file", "；".join(exc.messages))
        return render(
            request,
            "admin/dashboards/areaoutline/upload.html",
            {**self.admin_site.each_context(request), "form": form, "title": "导入地区边界"},
        )


admin.site.register([Target, RaceScheme, RacePublication, BulletinTemplate, Bulletin])
