from django import forms
from django.conf import settings
from django.utils import timezone


def _this_year() -> int:
    return timezone.localdate().year


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label="项目台账（.xlsx）",
        help_text="Excel 工作簿，表头在前15行内；金额单位为万元。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )
    year = forms.IntegerField(
        label="计划年度",
        min_value=2000,
        max_value=2100,
        initial=_this_year,
        help_text="“年度计划投资”列未写年份时，按此年度导入。",
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refuse before reading a byte into memory (the service checks the content again).
        if upload.size > settings.IMPORT_MAX_BYTES:
            limit = settings.IMPORT_MAX_BYTES / 1024 / 1024
            raise forms.ValidationError(
                f"文件过大（{upload.size / 1024 / 1024:.1f} MB），上限为 {limit:.0f} MB。"
            )
        return upload
