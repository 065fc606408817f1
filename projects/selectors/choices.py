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
            # `ModelChoiceField` returns it instead of iterating the queryset again. The rows are
            # read with one plain query: Django's own choice iterator streams them through a
            # server-side cursor, three round trips (DECLARE, FETCH, CLOSE) per list on PostgreSQL.
            iterator = field.iterator(field)
            choices = [] if field.empty_label is None else [("", field.empty_label)]
            choices += [iterator.choice(obj) for obj in list(field.queryset)]
            field.choices = choices
