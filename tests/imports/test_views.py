"""Import pages: upload → preview → confirm, and who may use them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.choices import ImportStatus
from projects.importing.services import ledger_preview
from projects.models import ImportBatch, Project

from .conftest import builders

UPLOAD = reverse("projects:import_list")


def upload(client, data, name="泽州县台账.xlsx", year=2025):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data), "year": year})


def previewed_batch(world, user, file_name):
    """A batch `user` previewed: one new 泽州县 project (巴公镇新建厂房项目)."""
    data = builders.simple_ledger([builders.zezhou_row()])
    return ledger_preview(actor=world[user], file_name=file_name, data=data, year=2025)


def test_upload_preview_confirm(client_for, world, leaders, fixture_bytes):
    client = client_for("office")
    page = client.get(UPLOAD)
    assert page.status_code == 200
    assert "检查并预览" in page.content.decode()

    response = upload(client, fixture_bytes("messy_ledger.xlsx"))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("projects:import_detail", args=[batch.pk])

    html = client.get(response.url).content.decode()
    assert 'data-count="create">4<' in html
    assert "巴公镇高端装备制造产业园" in html
    assert "“新材料”按“工业”导入" in html
    assert html.count("data-confirm") == 1
    assert "disabled" not in html.split("data-confirm")[0].rsplit("<button", 1)[1]

    response = client.post(reverse("projects:import_commit", args=[batch.pk]))
    assert response.status_code == 302 and response.url == reverse("projects:project_list")
    assert (
        "已导入“泽州县台账.xlsx”：新增项目 4 个，修改 0 个，年度计划新增 3 条、修改 0 条，无变化 0 个。"
        in client.get(response.url).content.decode()
    )
    assert Project.objects.filter(name="米山现代农业示范园").exists()

    listing = client.get(UPLOAD).content.decode()
    assert "泽州县台账.xlsx" in listing and "已导入" in listing
    assert "4 / 0 / 0" in listing  # new / changed / rows with errors


def test_errors_are_listed_and_the_confirm_button_is_disabled(client_for, world, fixture_bytes):
    client = client_for("zezhou")
    response = upload(client, fixture_bytes("out_of_scope.xlsx"))
    html = client.get(response.url).content.decode()
    assert "超出管辖范围" in html
    assert "<td>台账</td><td>4</td><td>县（市、区）</td>" in html
    assert 'disabled aria-disabled="true"' in html
    batch = ImportBatch.objects.get()
    response = client.post(reverse("projects:import_commit", args=[batch.pk]))
    assert response.status_code == 302
    assert "不能导入" in client.get(response.url).content.decode()
    assert not Project.objects.filter(name="米山镇新建仓储项目").exists()


def test_an_unreadable_file_is_refused_on_the_upload_page(client_for, world, fixture_bytes):
    client = client_for("zezhou")
    response = upload(client, fixture_bytes("renamed_html.xlsx"))
    assert response.status_code == 400
    assert "网页（HTML/XML）改名而来" in response.content.decode()
    assert ImportBatch.objects.get().status == ImportStatus.REJECTED


def test_oversize_upload_is_refused_before_reading(client_for, world, fixture_bytes, settings):
    settings.IMPORT_MAX_BYTES = 1024
    response = upload(client_for("zezhou"), fixture_bytes("messy_ledger.xlsx"))
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("office", 200),
        ("admin", 200),
        ("zezhou", 200),
        ("jtj", 200),
        ("leader", 403),
        ("stats", 403),
        ("zezhou_head", 403),
        ("outsider", 403),
    ],
)
def test_who_may_open_the_import_page(client_for, username, status):
    response = client_for(username).get(UPLOAD)
    assert response.status_code == status
    assert ("检查并预览" in response.content.decode()) == (status == 200)  # the upload form, or none


def test_anonymous_users_are_sent_to_login(client_for):
    response = client_for(None).get(UPLOAD)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_another_users_batch_is_hidden_unless_office(client_for, world):
    batch = previewed_batch(world, "gaoping", "高平.xlsx")
    detail = reverse("projects:import_detail", args=[batch.pk])
    commit = reverse("projects:import_commit", args=[batch.pk])
    assert client_for("zezhou").get(detail).status_code == 404
    assert client_for("zezhou").post(commit).status_code == 404
    assert "高平.xlsx" not in client_for("zezhou").get(UPLOAD).content.decode()
    for user in ("office", "gaoping"):
        page = client_for(user).get(detail)
        assert page.status_code == 200
        assert "导入预览：高平.xlsx" in page.content.decode()
    assert client_for("leader").get(detail).status_code == 403


def test_commit_needs_post(client_for, world):
    batch = previewed_batch(world, "office", "a.xlsx")
    assert client_for("office").get(reverse("projects:import_commit", args=[batch.pk])).status_code == 405
    assert not Project.objects.filter(name="巴公镇新建厂房项目").exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED
