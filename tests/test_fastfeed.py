"""The fast feed path (widget/sources/fastfeed.py) reads every feed as feedparser does.

Every feed body the tests have (the inline feeds of test_sources, test_feeds,
test_hostile_upstream and test_conditional_sync, examples/demo, the bench's generated
feed) and targeted ones go through widget/sources/feed.py twice: with the fast path,
and with it answering None (feedparser alone). The reads must be equal: the Post
dataclasses, the problems, the listing, the validators, or the SourceError message.
Each case also says whether the fast path must take it or leave it to feedparser.
"""

from __future__ import annotations

import datetime as dt
import email.message
import io
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bench.data import make_posts
from bench.plan import DataSet
from bench.syncs import _rss as bench_rss
from tests import test_feeds, test_sources
from tests.test_hostile_upstream import IMAGE_FORMS, item
from tests.test_hostile_upstream import rss as hostile_rss
from widget.config import SourceConfig
from widget.sources import fastfeed
from widget.sources.feed import read_feed
from widget.sources.fetch import Response, SourceError, SourceRead

ROOT = Path(__file__).resolve().parents[1]
RSS_TYPE = "application/rss+xml; charset=UTF-8"
ATOM_TYPE = "application/atom+xml"
NS = ('xmlns:content="http://purl.org/rss/1.0/modules/content/" '
      'xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:atom="http://www.w3.org/2005/Atom"')


class Fetcher:
    """One canned answer, as widget.sources.fetch.Fetcher gives it."""

    validators = None

    def __init__(self, body: bytes, content_type: str) -> None:
        self.body, self.content_type = body, content_type

    def get(self, url: str, *, accept: str = "*/*") -> Response:
        headers = email.message.Message()
        if self.content_type:
            headers["Content-Type"] = self.content_type
        headers["ETag"] = '"v1"'
        return Response(url, 200, headers, self.body)


def rss(items: str, channel: str = "", attrs: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" {NS} {attrs}>'
            f"<channel><title>Org</title><link>https://org.example/</link>"
            f"<description>d</description>{channel}{items}</channel></rss>").encode()


def atom(entries: str, head: str = "", attrs: str = "") -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            f'xmlns:media="http://search.yahoo.com/mrss/" {attrs}><title>f</title>'
            f"<id>urn:f</id><updated>2025-07-14T10:00:00Z</updated>{head}{entries}</feed>"
            ).encode()


def entry(n: int, inner: str = "", attrs: str = "", content: str | None = None) -> str:
    body = ('<content type="html">&lt;p&gt;Lang &lt;a href="/rel"&gt;x&lt;/a&gt;&lt;/p&gt;'
            "</content>") if content is None else content
    return (f"<entry {attrs}><title>Entry {n}</title><id>urn:e:{n}</id>"
            f'<link rel="alternate" href="https://org.example/e/{n}"/>'
            f"<published>2025-07-{n + 1:02d}T08:00:00+02:00</published>"
            f"<updated>2025-07-{n + 1:02d}T09:30:00.250Z</updated>{inner}{body}</entry>")


def post(n: int, inner: str = "", attrs: str = "", date: str | None = None) -> str:
    return (f"<item {attrs}><title>Post {n}</title><link>https://org.example/{n}/</link>"
            f'<guid isPermaLink="false">org-{n}</guid>'
            f"<pubDate>{date or f'Mon, {n + 1:02d} Jul 2025 10:00:00 +0000'}</pubDate>"
            f"{inner}</item>")


def wordpress_rss() -> bytes:
    """RSS 2.0 as WordPress 6 writes it (wp-includes/feed-rss2.php)."""
    items = "".join(f"""<item>
		<title>News &#8220;{n}&#8221; &#038; more</title>
		<link>https://org.example/2025/07/{n:02d}/news-{n}/</link>
		<comments>https://org.example/2025/07/{n:02d}/news-{n}/#respond</comments>
		<dc:creator><![CDATA[admin]]></dc:creator>
		<pubDate>Tue, {n:02d} Jul 2025 22:30:00 +0000</pubDate>
		<category><![CDATA[Hunger strike]]></category>
		<category><![CDATA[Turkey]]></category>
		<guid isPermaLink="false">https://org.example/?p={100 + n}</guid>
		<description><![CDATA[<p>Summary {n} &#8211; text [&hellip;]</p>]]></description>
		<content:encoded><![CDATA[<p>Body {n} <a href="/about/">about</a></p>
<p><img src="https://org.example/wp-content/uploads/x.jpg"/></p>]]></content:encoded>
		<wfw:commentRss>https://org.example/2025/07/{n:02d}/news-{n}/feed/</wfw:commentRss>
		<slash:comments>0</slash:comments>
		<enclosure url="https://org.example/wp-content/uploads/{n}.jpg" length="12345"
			type="image/jpeg" />
		</item>""" for n in range(1, 6))
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/commentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>
<channel>
	<title>Org</title>
	<atom:link href="https://org.example/feed/" rel="self" type="application/rss+xml" />
	<link>https://org.example</link>
	<description>Solidarity</description>
	<lastBuildDate>Tue, 15 Jul 2025 10:00:00 +0000</lastBuildDate>
	<language>en-US</language>
	<sy:updatePeriod>
	hourly	</sy:updatePeriod>
	<sy:updateFrequency>
	1	</sy:updateFrequency>
	<generator>https://wordpress.org/?v=6.5.5</generator>
<image>
	<url>https://org.example/wp-content/uploads/icon-32x32.png</url>
	<title>Org</title>
	<link>https://org.example</link>
	<width>32</width>
	<height>32</height>
</image>
{items}
	</channel>
</rss>
""".encode()


def wordpress_atom() -> bytes:
    """Atom 1.0 as WordPress writes it (wp-includes/feed-atom.php)."""
    entries = "".join(f"""<entry>
		<author><name>admin</name><uri>https://org.example</uri></author>
		<title type="html"><![CDATA[Nachricht &#8222;{n}&#8220;]]></title>
		<link rel="alternate" type="text/html" href="https://org.example/de/{n}/" />
		<id>https://org.example/?p={n}</id>
		<updated>2025-07-{n:02d}T10:00:00Z</updated>
		<published>2025-07-{n:02d}T09:00:00Z</published>
		<category scheme="https://org.example" term="Hungerstreik" />
		<summary type="html"><![CDATA[Kurz {n} [&#8230;]]]></summary>
		<content type="html" xml:base="https://org.example/de/{n}/"><![CDATA[<p>Lang
			<a href="more/">mehr</a></p>]]></content>
		<link rel="replies" type="text/html" href="https://org.example/de/{n}/#comments"
			thr:count="0" />
		<thr:total>0</thr:total>
	</entry>""" for n in range(1, 4))
    return f"""<?xml version="1.0" encoding="UTF-8"?><feed
  xmlns="http://www.w3.org/2005/Atom"
  xmlns:thr="http://purl.org/syndication/thread/1.0"
  xml:lang="de-DE"
  xml:base="https://org.example/wp-atom.php"
   >
	<title type="text">Org</title>
	<subtitle type="text">Solidarität</subtitle>
	<updated>2025-07-15T10:00:00Z</updated>
	<link rel="alternate" type="text/html" href="https://org.example" />
	<id>https://org.example/feed/atom/</id>
	<link rel="self" type="application/atom+xml" href="https://org.example/feed/atom/" />
	<generator uri="https://wordpress.org/" version="6.5.5">WordPress</generator>
	<icon>https://org.example/icon.png</icon>
	{entries}
</feed>""".encode()


# (name, body, content type, whether the fast path must read it)
CASES: list[tuple[str, bytes, str, bool]] = []


def case(name: str, body: bytes | str, content_type: str = RSS_TYPE, fast: bool = True) -> None:
    CASES.append((name, body.encode() if isinstance(body, str) else body, content_type, fast))


# --- the test suite's own feeds --------------------------------------------------------
case("demo posts.xml", (ROOT / "examples/demo/posts.xml").read_bytes(), "")
case("sources rss", test_sources.rss(1, 2, 3))
case("sources rss without content type", test_sources.rss(4, 5), "")
case("sources atom", test_sources.ATOM, ATOM_TYPE)
case("sources truncated rss", test_sources.rss(9).encode()[:-40], fast=False)
case("sources html page", b"<html><body>Maintenance</body></html>", "text/html", fast=False)
case("sources junk", b"x" * 5000, "", fast=False)
_told = ('<category domain="category">Turkey</category>'
         '<category domain="post_tag">Hunger strike</category>'
         '<category domain="https://org.example/tag/">Zehra Kurtay</category>'
         '<category domain="https://org.example/category/news/">News</category>')
_term_item = ("<item><title>{title}</title><link>https://org.example/{n}/</link>"
              "<pubDate>0{n} Jul 2025 10:00:00 +0000</pubDate>{terms}</item>")
case("sources terms rss", test_sources.RSS.format(items=_term_item.format(
    n=1, title="Told&#160;apart", terms=_told) + _term_item.format(
    n=2, title="Not\u00a0told", terms="<category>Turkey</category><category>Zehra Kurtay"
                                       "</category>")))
case("sources terms atom", test_sources.ATOM.replace(
    '<category term="Solidarität"/>',
    '<category term="Solidarität" scheme="https://org.example/de/tag/"/>'
    '<category term="Frankreich" scheme="https://org.example/de/category/"/>'), ATOM_TYPE)
_upstream: Any = SimpleNamespace(url="http://127.0.0.1:8111")
case("feeds rss", test_feeds.rss(_upstream, 3, images=True))
case("feeds rss 60", test_feeds.rss(_upstream, 60))
case("hostile rss", hostile_rss(item(1), item(2)))
for _n, _form in enumerate(IMAGE_FORMS):
    for _target in ("http://127.0.0.1:9/internal/admin?secret=1", "http://[::1]:9/admin",
                    "file:///tmp/private/secret.png", "file:../private/secret.png"):
        case(f"hostile image {_n} {_target}",
             hostile_rss(item(1, extra=_form.format(url=_target)), item(2)))
for _link in ["javascript:alert(1)", "JavaScript:alert(1)", "vbscript:msgbox(1)",
              "data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;", "java&#9;script:alert(1)",
              " javascript:alert(1)", "/2025/relative/", "//org.example/x", "",
              "mailto:a@b.example", "http://[::1", "file:///etc/passwd"]:
    case(f"hostile link {_link!r}", hostile_rss(item(1), item(2, link=_link, title="Bad one"),
                                                item(3)))
case("hostile bad entries", hostile_rss(
    item(1, extra='<media:content url="https://org.example/a.jpg" medium="image" '
                  'width="abc" height="-3"/>'),
    item(2, title="Control\x01 \x1bcharacters\x7f"), item(3, link=""),
    "<item><title>No date</title><link>https://org.example/4/</link></item>", item(5)))
case("hostile content", hostile_rss(item(1, link="https://org.example/2025/p/", content=(
    '<p>Hi <img src="https://tracker.example/p.gif" width="1" height="1">'
    '<img src="/wp-content/x.jpg"><a href="/about/">about</a> <a href="#part">part</a> '
    '<a href="javascript:alert(1)">js</a> <a href="https://ally.example/">ally</a></p>'))))
case("hostile xml:base", (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    '<title>f</title><id>urn:f</id><updated>2025-07-14T10:00:00Z</updated>'
    '<entry><id>urn:1</id><title>t</title><updated>2025-07-14T10:00:00Z</updated>'
    '<link href="https://org.example/2025/p/"/>'
    '<content type="html" xml:base="https://media.org.example/lib/">'
    '&lt;a href="doc.pdf"&gt;doc&lt;/a&gt;</content></entry>'
    '<entry><id>urn:2</id><title>u</title><updated>2025-07-14T09:00:00Z</updated>'
    '<link href="https://org.example/2025/q/"/>'
    '<content type="html" xml:base="not a url">&lt;a href="doc.pdf"&gt;doc&lt;/a&gt;'
    '</content></entry></feed>'), ATOM_TYPE)
case("hostile utf-16 scrap", b"\xff\xfe<\x00r\x00", fast=False)
case("hostile year 99999", b"\xef\xbb\xbf<rss version='2.0'><channel><item><title>x</title>"
     b"<link>https://a.example/</link><pubDate>Mon, 01 Jan 99999 00:00:00 +0000"
     b"</pubDate></item></channel></rss>", "", fast=False)
case("hostile body naming a file", b"/etc/passwd", fast=False)
case("hostile many items", hostile_rss(*(item(n) for n in range(20))))
case("hostile grève image path", hostile_rss(item(1, extra=(
    '<media:thumbnail url="http://127.0.0.1:9/uploads/grève.png"/>'))))
case("conditional corrected", hostile_rss(item(1, title="Corrected"), item(3)))
case("bench feed", bench_rss(make_posts(DataSet("sync feed", posts=40),
                                        dt.datetime(2025, 7, 15, 12, tzinfo=dt.UTC))))
case("wordpress rss", wordpress_rss())
case("wordpress atom", wordpress_atom(), ATOM_TYPE)

# --- targeted cases ---------------------------------------------------------------------
case("cdata and entities", rss(post(1, "<description><![CDATA[<p>a &amp; b</p>]]> &amp; "
                                       "&lt;i&gt;c&lt;/i&gt; &#233;&#x263A;</description>")
                                  + post(2, "<description>x &gt; y &quot;q&quot; &apos;"
                                            "</description>")).replace(
    b"<title>Post 1</title>", b"<title><![CDATA[Tom & Jerry <3]]> &amp;amp; &#8212;</title>"))
case("content:encoded and description", rss(
    post(1, "<description>Short</description><content:encoded><![CDATA[<p>Long</p>]]>"
            "</content:encoded>")
    + post(2, "<content:encoded><![CDATA[<p>Only content</p>]]></content:encoded>"
              "<description>Then summary</description>")
    + post(3, "<description>one</description><description>two</description>")
    + post(4, "<content:encoded></content:encoded><description>d</description>")))
case("dc:date", rss(
    "<item><title>a</title><link>https://org.example/a</link>"
    "<dc:date>2025-07-01T10:00:00+02:00</dc:date></item>"
    "<item><title>b</title><link>https://org.example/b</link>"
    "<pubDate>Tue, 01 Jul 2025 10:00:00 GMT</pubDate><dc:date>2025-07-03T10:00:00Z</dc:date>"
    "</item>"))
case("date forms", rss("".join(post(n, date=d) for n, d in enumerate([
    "Tue, 1 Jul 2025 10:00 +0200", "01 Jul 2025 10:00:00 GMT", "Wed, 02 July 2025 23:59:59 EST",
    "Thu, 03 Jul 2025 10:00:00 -05:30", "Fri, 04 Jul 2025 10:00:00 UT", "", "  ",
    "Sat, 05 Jul 2025 10:00:00 Z", "mon, 07 jul 2025 10:00:00 pdt"]))))
case("odd date forms", rss("".join(post(n, date=d) for n, d in enumerate([
    "2025-07-01", "Jul 1 2025", "Tue, 01 Jul 2025 10:00:00 +0000 (UTC)"]))), fast=False)
case("invalid date", rss(post(1, date="Tue, 31 Feb 2025 10:00:00 +0000")), fast=False)
case("atom iso dates", atom(entry(1) + entry(2, "<published>2025-07-05T10:00:00-07:00"
                                                "</published>")
                            + entry(3).replace("T08:00:00+02:00", "T08:00+02:00")), ATOM_TYPE)
case("media", rss(
    post(1, '<media:thumbnail url="https://org.example/t1.jpg"/>'
            '<media:content url="https://org.example/1.jpg" medium="image" width="800" '
            'height="450"/>')
    + post(2, '<media:content url="https://org.example/v.mp4" medium="video"/>'
              '<media:thumbnail url="https://org.example/t2.jpg" width="10"/>')
    + post(3, "<media:thumbnail>https://org.example/t3.jpg</media:thumbnail>")
    + post(4, '<media:content url="https://org.example/4.jpg" WIDTH="12" height=" 34 "/>')))
case("enclosures", rss(
    post(1, '<enclosure url="https://org.example/a.png" type="IMAGE/PNG" length="1"/>')
    + post(2, '<enclosure url="https://org.example/a.mp3" type="audio/mpeg" length="1"/>'
              '<enclosure url="https://org.example/b.jpg" type="image/jpeg" length="1"/>')))
case("categories with domain", rss(
    post(1, '<category domain="https://org.example/tag/">A</category>'
            '<category domain="https://org.example/tag/"></category>'
            '<category domain="https://org.example/tag/">B</category>'
            "<category>A</category><category>A</category><dc:subject>S</dc:subject>"
            '<category domain="post_tag"> Spaced </category>')))
case("xml:base and xml:lang", rss(
    post(1, '<description xml:base="https://cdn.example/d/">&lt;a href="x"&gt;x&lt;/a&gt;'
            "</description>", attrs='xml:base="https://org.example/base/" xml:lang="fr_FR"')
    + post(2, '<content:encoded xml:lang="de" xml:base="/rel/">&lt;a href="y"&gt;y&lt;/a&gt;'
              "</content:encoded>")
    + post(3).replace("<link>https://org.example/3/</link>", "<link>relative/3</link>")
    + post(4, '<guid isPermaLink="true">perma/4</guid>'), attrs='xml:lang="en"'))
case("xml:lang empty and lang", rss(post(1, '<content:encoded xml:lang="">c</content:encoded>')
                                    + post(2, '<content:encoded lang="pt-BR">c'
                                              "</content:encoded>")))
case("channel language", rss(post(1), channel="<language>de-DE</language>"))
case("guid as link", rss("<item><title>g</title><guid>https://org.example/g/</guid>"
                         "<pubDate>Mon, 01 Jul 2025 10:00:00 +0000</pubDate></item>"
                         "<item><title>h</title><guid isPermaLink='false'>h</guid>"
                         "<pubDate>Mon, 01 Jul 2025 10:00:00 +0000</pubDate></item>"))
case("links with entities", rss(post(1).replace(
    "<link>https://org.example/1/</link>",
    "<link>https://org.example/1/?a=1&amp;amp;b=2&amp;copy;</link>")))
case("atom html and text titles", atom(
    entry(1).replace("<title>Entry 1</title>", '<title type="html">A &lt;b&gt;bold&lt;/b&gt; '
                                               "&amp;amp; plain</title>")
    + entry(2).replace("<title>Entry 2</title>", '<title type="text">x &lt;b&gt; y</title>')
    + entry(3).replace("<title>Entry 3</title>", '<title type="HTML"><![CDATA[C <i>d</i>]]>'
                                                 "</title>")), ATOM_TYPE)
case("atom content and summary", atom(
    entry(1, "<summary>Plain summary</summary>", content="")
    + entry(2, '<summary type="html">&lt;p&gt;S&lt;/p&gt;</summary>',
            content='<content type="text">x &lt; y</content>')
    + entry(3, content='<content src="https://org.example/c"/>')
    + entry(4, '<summary>one</summary><summary>two</summary>', content="")
    + entry(5, content='<content type="html" xml:lang="tr">&lt;p&gt;T&lt;/p&gt;</content>'
                       "<summary>after</summary>")), ATOM_TYPE)
case("atom xml:base on entry", atom(
    entry(1, attrs='xml:base="https://other.example/dir/"').replace(
        'href="https://org.example/e/1"', 'href="page"')
    + entry(2, content='<content type="html" xml:base="sub/">&lt;a href="z"&gt;z&lt;/a&gt;'
                       "</content>"), attrs='xml:base="https://org.example/root/"'), ATOM_TYPE)
case("atom links", atom(
    entry(1, '<link rel="enclosure" type="image/jpeg" href="https://org.example/i.jpg"/>')
    + entry(2).replace('<link rel="alternate" href="https://org.example/e/2"/>',
                       '<link href="https://org.example/e/2" type="application/pdf"/>')
    + entry(3).replace('<link rel="alternate" href="https://org.example/e/3"/>',
                       '<link rel="self" href="https://org.example/e/3.atom"/>'
                       '<link rel="ALTERNATE" href="https://org.example/e/3"/>')
    + entry(4, '<media:thumbnail url="https://org.example/t.jpg"/>')), ATOM_TYPE)
case("atom authors and categories", atom(entry(
    1, "<author><name>N</name><email>n@org.example</email></author><contributor><name>C"
       '</name></contributor><category term="a" scheme="https://org.example/tag/" label="A"/>'
       '<category term="b"/>'), head="<author><name>Org</name></author>"), ATOM_TYPE)
case("atom feed language", atom(entry(1), attrs='xml:lang="tr_TR"'), ATOM_TYPE)
case("mojibake and cp1252", rss(post(1).replace("Post 1", "Ã©tÃ© \u0093q\u0094")))
case("latin-1 declared", rss(post(1).replace("Post 1", "Grève")).decode()
     .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1"),
     "application/rss+xml")
case("latin-1 undeclared", rss(post(1).replace("Post 1", "Grève")).decode().encode("latin-1"))
case("text/xml without charset", rss(post(1)), "text/xml")
case("comment and processing instruction", rss(post(1).replace(
    "Post 1", "Po<!-- c -->st<?pi x?> 1")).replace(b"<rss", b"<!-- head --><rss", 1))
case("bom", b"\xef\xbb\xbf" + rss(post(1)))
case("utf-16", rss(post(1)).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
     .encode("utf-16"), "application/rss+xml")
case("whitespace titles and empty title", rss(
    post(1).replace("Post 1", "  \n Post\t1 \u00a0 ")
    + post(2).replace("<title>Post 2</title>", "<title></title><title>Second</title>")
    + post(3).replace("<title>Post 3</title>", "<title>First</title><title>Second</title>")))
case("channel image, atom link, generator", rss(post(1), channel=(
    '<atom:link href="https://org.example/feed/" rel="self" type="application/rss+xml"/>'
    "<image><url>https://org.example/i.png</url><title>I</title><link>https://org.example/"
    "</link></image><generator>Hugo</generator><ttl>60</ttl>"
    "<pubDate>not a date</pubDate>")))
# --- what must go to feedparser ----------------------------------------------------------
case("doctype", rss(post(1)).replace(b"<rss", b'<!DOCTYPE rss [<!ENTITY t "Tea">]><rss', 1)
     .replace(b"Post 1", b"Post &t;"), fast=False)
case("doctype netscape", rss(post(1)).replace(
    b"<rss", b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
             b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss', 1), fast=False)
case("billion laughs", b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
     b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
     b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
     + rss(post(1)).split(b"?>", 1)[1].replace(b"Post 1", b"&lol3;"), fast=False)
case("html entity", rss(post(1)).replace(b"Post 1", b"Post&nbsp;1"), fast=False)
case("malformed", rss(post(1) + "<item><title>x</item>"), fast=False)
case("unclosed", rss(post(1))[:-30], fast=False)
case("rss 0.91", rss(post(1)).replace(b'version="2.0"', b'version="0.91"'), fast=False)
case("rss 1.0", b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
     b'syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://org.example/">'
     b"<title>t</title><link>https://org.example/</link></channel><item rdf:about="
     b'"https://org.example/1"><title>One</title><link>https://org.example/1</link>'
     b"<dc:date xmlns:dc='http://purl.org/dc/elements/1.1/'>2025-07-01T10:00:00Z</dc:date>"
     b"</item></rdf:RDF>", fast=False)
case("atom 0.3", b'<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">'
     b"<title>t</title><entry><title>e</title><link rel='alternate' type='text/html' "
     b"href='https://org.example/1'/><issued>2025-07-01T10:00:00Z</issued></entry></feed>",
     ATOM_TYPE, fast=False)
case("atom xhtml", atom(entry(1).replace("<title>Entry 1</title>", '<title type="xhtml">'
                                         '<div xmlns="http://www.w3.org/1999/xhtml">A '
                                         "<b>b</b></div></title>")), ATOM_TYPE, fast=False)
case("atom xhtml content", atom(entry(1, content=(
    '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>X <a href="/r">r</a>'
    "</p></div></content>"))), ATOM_TYPE, fast=False)
case("markup in a description", rss(post(1, "<description>a <b>b</b></description>")),
     fast=False)
case("unknown element", rss(post(1, "<foo>bar</foo>")), fast=False)
case("unknown namespace", rss(post(1, '<x:y xmlns:x="urn:x">z</x:y>')), fast=False)
case("a known namespace under another prefix", rss(post(1, (
    '<c:encoded xmlns:c="http://purl.org/rss/1.0/modules/content/">z</c:encoded>'))),
    fast=False)
case("media group", rss(post(1, '<media:group><media:content url="https://org.example/1.jpg"'
                                '/></media:group>')), fast=False)
case("base64 content", atom(entry(1, content='<content type="image/png">AAAA</content>')),
     ATOM_TYPE, fast=False)
case("source in an item", rss(post(1, '<source url="https://o.example/">O</source>')),
     fast=False)
case("image in an item", rss(post(1, "<image><url>https://org.example/i.png</url></image>")),
     fast=False)
case("foreign attribute", rss(post(1, '<enclosure xmlns:x="urn:x" x:url="https://a.example/"'
                                      ' url="https://org.example/a.png" type="image/png"/>')),
     fast=False)
case("text/html content type", rss(post(1)), "text/html")
case("cdata title", rss(post(1).replace("<title>Post 1</title>",
                                        "<title><![CDATA[A <b>B</b> &amp;]]></title>")))


def read(body: bytes, content_type: str) -> SourceRead | str:
    source = SourceConfig("org", "feed", "https://org.example/feed/")
    try:
        return read_feed(source, Fetcher(body, content_type))  # type: ignore[arg-type]
    except SourceError as exc:
        return f"SourceError: {exc}"


@pytest.mark.parametrize("name, body, content_type, fast", CASES, ids=[c[0] for c in CASES])
def test_the_fast_path_reads_as_feedparser_does(monkeypatch: pytest.MonkeyPatch, name: str,
                                                body: bytes, content_type: str,
                                                fast: bool) -> None:
    taken = []
    parse = fastfeed.parse

    def spy(body: bytes, content_type: str) -> Any:
        result = parse(body, content_type)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(fastfeed, "parse", spy)
    quick = read(body, content_type)
    assert taken == [fast] or (not taken and not fast), f"fast path taken: {taken}"
    monkeypatch.setattr(fastfeed, "parse", lambda body, content_type: None)
    slow = read(body, content_type)
    if isinstance(slow, SourceRead):
        assert isinstance(quick, SourceRead), quick
        assert quick.posts == slow.posts
        assert quick.problems == slow.problems
    assert quick == slow


def test_the_suite_has_feeds_of_every_kind() -> None:
    assert len(CASES) > 60
    assert sum(fast for *_, fast in CASES) > 40
    assert sum(not fast for *_, fast in CASES) > 15


@pytest.mark.parametrize("value", [
    "Mon, 01 Jul 2025 10:00:00 +0000", "1 Jul 2025 10:00 GMT", "Tue, 01 July 2025 10:00:00 EST",
    "Sat, 05 Jul 2025 23:59:59 -0930", "2025-07-14T08:00:00+02:00", "2025-07-14T08:00Z",
    "2025-07-14T08:00:00.123456-05:00", "2025-12-31T23:59:59Z", "2000-02-29T00:00:00z",
])
def test_dates_are_feedparsers(value: str) -> None:
    import feedparser

    feed = f"<rss version='2.0'><channel><item><pubDate>{value}</pubDate></item></channel></rss>"
    parsed = feedparser.parse(io.BytesIO(feed.encode()))
    expected: time.struct_time = parsed.entries[0]["published_parsed"]
    assert fastfeed.parse_date(value) == expected


def test_expat_limits_entity_expansion() -> None:
    assert fastfeed.SAFE_EXPAT
