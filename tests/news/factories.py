import datetime

import factory
from django.utils import timezone

from news.models import Article, Attachment, Category


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"栏目{n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"州科协新闻第{n}号")
    category = factory.SubFactory(CategoryFactory)
    body = "<p>全州科技工作者团结奋进。</p>"
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, publish_at=None)
        pending = factory.Trait(status=Article.Status.PENDING, publish_at=None)
        withdrawn = factory.Trait(status=Article.Status.WITHDRAWN)
        scheduled = factory.Trait(
            publish_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
        )


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    article = factory.SubFactory(ArticleFactory)
    title = "附件"
    file = factory.django.FileField(filename="方案.pdf", data=b"%PDF-1.4\n%%EOF\n")
