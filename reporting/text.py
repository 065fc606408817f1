"""Figures in plain text, for messages: the same sentence the pages show, without the markup."""

from django.template.loader import render_to_string
from django.utils.html import strip_tags


def figures_sentence(figures) -> str:
    """ "1–10月累计完成投资 1,234.00 万元，年度计划 …，完成率 …%，时间进度 …%，低于时间进度 N 个百分点"."""
    return " ".join(strip_tags(render_to_string("reporting/_figures_sentence.html", {"f": figures})).split())
