"""A form's pick lists are read before rendering with one plain query each (no server-side cursor,
whose DECLARE/FETCH/CLOSE cost three round trips per list on PostgreSQL), and render as Django's would."""

from __future__ import annotations

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation
from projects.selectors.choices import form_choices_load

pytestmark = pytest.mark.django_db


class PickForm(forms.Form):
    county = forms.ModelChoiceField(queryset=Organisation.objects.order_by("id"), empty_label="全部")
    any_unit = forms.ModelChoiceField(queryset=Organisation.objects.order_by("id"), empty_label=None)


def test_each_list_is_one_plain_query_and_renders_as_before(world):
    expected = PickForm().as_p()
    form = PickForm()
    with CaptureQueriesContext(connection) as ctx:
        form_choices_load(form)
        rendered = form.as_p()
    assert len(ctx.captured_queries) == 2
    assert not any("DECLARE" in q["sql"] for q in ctx.captured_queries)
    assert rendered == expected and "泽州县" in rendered
    assert form.fields["county"].choices[0] == ("", "全部")
    bound = PickForm({"county": world.zezhou.pk, "any_unit": world.gaoping.pk})
    form_choices_load(bound)
    assert bound.is_valid() and bound.cleaned_data["county"] == world.zezhou
