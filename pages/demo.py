"""Demo site settings, 友情链接 and single pages (机构概况, 领导班子, 联系我们).

Idempotent: the settings row is filled only where empty, links and pages are found
by name and slug. The seed gives the association's name and role; addresses,
numbers and the leadership list are placeholders, marked so, for the office to replace.
"""

from pages.models import FriendLink, Page, SiteSettings

SETTINGS = {
    "host": "恩施州科学技术协会",
    "organizer": "恩施州科学技术协会办公室",
    "address": "湖北省恩施市（示例地址，请在“站点设置”中填写）",
    "postcode": "445000",
    "phone": "0718-0000000（示例）",
    "email": "kexie@example.org",
    "icp_number": "鄂ICP备00000000号-1",
    "public_security_number": "鄂公网安备42280000000000号",
    "site_code": "4228000000",
}

LINKS = [
    ("中国科协", "https://www.cast.org.cn/"),
    ("湖北省科协", "https://www.hbast.org.cn/"),
    ("恩施州人民政府", "http://www.enshi.gov.cn/"),
    ("科普中国", "https://www.kepuchina.cn/"),
    ("中国数字科技馆", "https://www.cdstm.cn/"),
]

PAGES = [
    (
        "ji-gou-gai-kuang",
        "机构概况",
        '<p style="text-indent:2em">恩施州科学技术协会（简称州科协）是恩施州科学技术工作者的群众组织，'
        "是中国共产党领导下的人民团体，是党和政府联系科学技术工作者的桥梁和纽带，"
        "是推动全州科学技术事业发展的重要力量。</p>"
        '<p style="text-indent:2em">州科协团结引领全州科技工作者，坚实履行“四个服务”职责：'
        "为科学技术工作者服务、为创新驱动发展服务、为提高全民科学素质服务、"
        "为党和政府科学决策服务。全州各级科协组织已实现乡镇科协组织全覆盖，"
        "联系州级学会、高校和科研院所科协、企业科协及院士专家工作站。</p>"
        "<h2>主要职责</h2><ul><li>组织开展学术交流，活跃学术思想，促进学科发展；</li>"
        "<li>弘扬科学精神，普及科学知识，提高全民科学素质；</li>"
        "<li>反映科技工作者的意见和诉求，维护其合法权益；</li>"
        "<li>开展科技咨询，服务企业创新和乡村振兴。</li></ul>",
    ),
    (
        "ling-dao-ban-zi",
        "领导班子",
        '<p style="text-indent:2em">本页列出州科协领导班子成员及分工。</p>'
        "<p>（示例内容：请在后台“单页”中填写领导班子成员姓名、职务和分工。）</p>",
    ),
    (
        "lian-xi-wo-men",
        "联系我们",
        "<p>单位：恩施州科学技术协会</p>"
        "<p>地址：湖北省恩施市（示例地址）</p><p>邮编：445000</p>"
        "<p>电话：0718-0000000（示例）</p><p>电子邮箱：kexie@example.org</p>"
        "<p>办公时间：工作日 上午8:30—12:00，下午14:30—17:30</p>",
    ),
]


def load(stdout):
    site = SiteSettings.objects.current()
    changed = [name for name, value in SETTINGS.items() if not getattr(site, name)]
    for name in changed:
        setattr(site, name, SETTINGS[name])
    if changed:
        site.save()
    links = 0
    for order, (name, url) in enumerate(LINKS, start=1):
        _link, created = FriendLink.objects.get_or_create(
            name=name, defaults={"url": url, "order": order}
        )
        links += created
    pages = 0
    for order, (slug, title, body) in enumerate(PAGES, start=1):
        _page, created = Page.objects.get_or_create(
            slug=slug,
            defaults={"title": title, "body": body, "order": order, "is_published": True},
        )
        pages += created
    stdout.write(f"Site: settings filled, {links} links and {pages} single pages added.")
