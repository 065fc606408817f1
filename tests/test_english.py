"""English is the user's explicit choice; domain labels follow it, Excel files and ledgers stay Chinese."""

import pytest
from django.conf import settings
from django.urls import reverse

from projects.importing.matching import industry_from, nature_from

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_stage_labels_follow_the_chosen_language(world, client_for):
    client = client_for("office")
    chinese = client.get(reverse("projects:project_detail", args=[world.zz_project.pk])).content.decode()
    assert "在建" in chinese and "Under construction" not in chinese
    page = (
        english(client).get(reverse("projects:project_detail", args=[world.zz_project.pk])).content.decode()
    )
    assert "Under construction" in page


def test_an_english_browser_still_gets_chinese_by_default(world, client_for):
    page = client_for("office").get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "项目库" in page


def test_ledger_words_are_matched_in_chinese_whatever_the_page_language(world):
    from django.utils import translation

    with translation.override("en"):
        nature_from.cache_clear()
        industry_from.cache_clear()
        assert nature_from("新建") == ("new", "")
        assert industry_from("工业")[0] == "industry"
