"""Showing dashboard figures: 亿元 as the bulletins print them, rates with "—" for no base."""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone

from reporting import measures

register = template.Library()
DASH = "—"


@register.filter
def yi1(value):
    """万元 → 亿元 with one decimal (measures.to_yi), "—" when missing."""
    if not isinstance(value, Decimal | int):
        return DASH
    return f"{measures.to_yi(value):,}"


@register.filter
def pct(value):
    return DASH if value is None else f"{value}%"


@register.filter
def num(value):
    return DASH if value is None or value == "" else value


@register.filter
def signed(value):
    if value is None:
        return DASH
    return f"+{value}" if value > 0 else f"{value}"


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def attr(obj, name):
    return getattr(obj, name, None)


@register.filter
def isodt(value):
    """An ISO timestamp (as stored in a published ranking) in Beijing time: "2026-11-26 14:41"."""
    if not value:
        return DASH
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return DASH
    return (
        f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
        if timezone.is_aware(moment)
        else f"{moment:%Y-%m-%d %H:%M}"
    )
