"""The pick lists of a form, read by the view before it renders.

A `ModelChoiceField` keeps a queryset and runs it while the template renders the `<select>`, so
the query would belong to a template tag (`fast_select`, `widget`). Reading the lists here keeps
templates and tags free of database access; the queryset stays on the field for validation.
"""

from __future__ import annotations

from django import forms


def form_choices_load(form: forms.BaseForm) -> None:
    """Evaluate each model choice list of `form` now (one query per field)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            # Assigning `choices` stores the evaluated list on the field and its widget;
            # `ModelChoiceField` returns it instead of iterating the queryset again. `iter()` first:
            # `list()` of the iterator itself would ask its length, an extra COUNT per field.
            field.choices = list(iter(field.choices))
