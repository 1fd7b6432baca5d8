"""The editor's markup as staff write it: indents and formatting kept, pictures kept whole."""

import base64
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from kexie.richtext import sanitize_html
from tests.news.factories import ArticleFactory
from tests.security.helpers import form_data

pytestmark = pytest.mark.django_db


def png_bytes(size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, "PNG")
    return buffer.getvalue()


def data_uri(content, mime="image/png"):
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def _save_body(client, body):
    article = ArticleFactory(draft=True, body="<p>原文</p>")
    url = reverse("admin:news_article_change", args=[article.pk])
    data = form_data(client.get(url).text, "article_form", body=body, _save="1")
    response = client.post(url, data)
    article.refresh_from_db()
    return article, response


@pytest.mark.parametrize(
    "markup",
    [
        '<p style="text-indent:2em">首行缩进两字</p>',
        '<p style="text-align:center">居中</p>',
        '<p style="line-height:2">行距</p>',
        '<span style="color:#c00000">红字</span>',
        '<span style="font-size:18px">字号</span>',
        '<span style="background-color:rgb(255, 255, 0)">底色</span>',
        '<table><tbody><tr><td style="border:1px solid #000">表格</td></tr></tbody></table>',
    ],
)
def test_formatting_staff_use_survives(markup):
    style = re.search(r'style="([^"]*)"', markup).group(1)
    assert f'style="{style}"' in sanitize_html(markup)


@pytest.mark.parametrize(
    "style",
    [
        "position:fixed",
        "top:0",
        "color:expression(alert(1))",
        "font-size:calc(100px)",
        "background-image:url(https://xss.example/x.png)",
        "text-indent:2em;}</style>",
        "font-family:宋体",
    ],
)
def test_styles_off_the_allowlist_are_dropped(style):
    cleaned = sanitize_html(f'<p style="{style}">x</p>')
    assert "style" not in cleaned or "text-indent:2em" in cleaned
    assert "position" not in cleaned and "url(" not in cleaned and "calc" not in cleaned


def test_a_photo_keeps_no_fixed_height():
    cleaned = sanitize_html(
        '<img src="/media/a.jpg" alt="会场" width="1200" height="675" '
        'style="height:675px;width:1200px">'
    )
    assert "height" not in cleaned
    assert 'style="width:1200px"' in cleaned


def test_first_line_indent_survives_the_admin(admin_client):
    article, response = _save_body(
        admin_client, '<p style="text-indent: 2em;">全州科协系统先后开展主题教育。</p>'
    )
    assert response.status_code == 302
    assert 'style="text-indent:2em"' in article.body


def test_a_pasted_picture_is_stored_like_an_upload(admin_client):
    article, response = _save_body(
        admin_client, f'<p>会场</p><p><img alt="会场" src="{data_uri(png_bytes())}"></p>'
    )
    assert response.status_code == 302
    assert "data:" not in article.body
    src = re.search(r'<img[^>]*src="([^"]+)"', article.body).group(1)
    assert src.startswith("/media/editor/")
    with default_storage.open(src.removeprefix("/media/")) as stored, Image.open(stored) as image:
        assert image.size == (40, 30)


@pytest.mark.parametrize(
    "uri",
    [
        data_uri(b"<html><script>alert(1)</script></html>"),
        data_uri(b"<html><script>alert(1)</script></html>", mime="text/html"),
        "data:image/png;base64,not*base64",
        data_uri(png_bytes() + b"<script>alert(1)</script>"),
    ],
)
def test_a_pasted_picture_that_fails_the_checks_is_refused_with_a_message(admin_client, uri):
    article, response = _save_body(admin_client, f'<p>正文</p><p><img src="{uri}"></p>')
    assert response.status_code == 200
    assert "粘贴的第 1 张图片未被接受" in response.text
    assert article.body == "<p>原文</p>"  # nothing saved, and the form still holds the text
    assert "正文" in response.text
