"""Build a data set in a temporary directory: config TOML, strikes TOML, SQLite store.

The demo set is a copy of examples/demo synced with the real CLI. A generated set
has `posts` posts and `strikes` strikes, deterministic for a given seed; the strikes
file goes through the real parser, so it is as valid as an editor's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bench.plan import DataSet
from widget.model import Image, Post
from widget.store import Store
from widget.strikes import parse_strikes

REPO = Path(__file__).resolve().parent.parent
DEMO_DIR = REPO / "examples" / "demo"


@dataclass(frozen=True, slots=True)
class Site:
    """A data set on disk, and the environment that points the service at it."""

    name: str
    config: Path
    database: Path

    @property
    def tag(self) -> str:
        return tag(self.name)

    def env(self) -> dict[str, str]:
        return {"WIDGET_CONFIG": str(self.config), "WIDGET_DATABASE": str(self.database)}


def tag(name: str) -> str:
    """`name`, usable in a file name."""
    return "".join(c if c.isalnum() else "-" for c in name)


def build(data: DataSet, root: Path, posts_from: Site | None = None) -> Site:
    """`posts_from`: a built set with the same posts, whose store is copied (faster than
    generating 100,000 posts again); only the strikes are then generated."""
    where = root / tag(data.name)
    where.mkdir(parents=True)
    return _demo(data, where) if data.demo else _generated(data, where, posts_from)


def _same_posts(a: DataSet, b: DataSet) -> bool:
    return not a.demo and not b.demo and (a.posts, a.content_chars, a.seed) == (
        b.posts, b.content_chars, b.seed)


class Sites:
    """Each data set built once, on first use, under `root`."""

    def __init__(self, root: Path):
        self._root = root
        self._built: dict[DataSet, Site] = {}

    def __call__(self, data: DataSet) -> Site:
        if data not in self._built:
            twin = next((d for d in self._built if _same_posts(d, data) and d.posts >= 10_000),
                        None)
            site = build(data, self._root, self._built[twin] if twin else None)
            self._built[data] = site
        return self._built[data]


def _demo(data: DataSet, where: Path) -> Site:
    for item in DEMO_DIR.iterdir():
        if item.is_file():
            shutil.copy(item, where / item.name)
    site = Site(data.name, where / "widget.toml", where / "widget.sqlite3")
    cli = Path(sys.executable).with_name("solidarity-widget")
    env = {**os.environ, **site.env()}
    subprocess.run([str(cli), "--config", str(site.config), "sync"], cwd=where, env=env,
                   check=True, capture_output=True, timeout=60)
    return site


# --- generated content ---------------------------------------------------------------

ZONES = (  # (country, IANA timezone, place)
    ("FR", "Europe/Paris", "Resistance tent, Saint-Denis"),
    ("TR", "Europe/Istanbul", "Type S prison, Sincan"),
    ("CL", "America/Santiago", "Santiago 1 prison"),
    ("IN", "Asia/Kolkata", "Taloja central jail"),
    ("DE", "Europe/Berlin", "JVA Stammheim"),
    ("GR", "Europe/Athens", "Korydallos prison"),
    ("US", "America/New_York", "Metropolitan Detention Center"),
    ("CO", "America/Bogota", "La Picota prison"),
    ("PH", "Asia/Manila", "Camp Bagong Diwa"),
    ("MA", "Africa/Casablanca", "Oukacha prison"),
    ("IT", "Europe/Rome", "Sassari 41bis section"),
    ("IL", "Asia/Jerusalem", "Ofer prison"),
)
FIRST = ("Zehra", "Ali Hasan", "Fikret", "Ayşe", "Mehmet", "María José", "Rahul", "Jeanne",
         "Dimitris", "Kemal", "Nour", "Lucía", "Selin", "Marco", "Leila", "Joaquín")
LAST = ("Kurtay", "Akgül", "Akar", "Yılmaz", "Şahin", "Morales", "Sharma", "Dubois",
        "Papadopoulos", "Demir", "Haddad", "Fernández", "Koç", "Mezzasalma", "Benali", "Reyes")
CATEGORIES = ("Hunger strike", "Solidarity", "Isolation", "Statements", "Trials", "News")
TAGS = ("turkey", "france", "chile", "india", "41bis", "residence", "type-s-prisons",
        "vitamin-b1", "release", "campaign")
TOPICS = (
    "Solidarity day for hunger-striking prisoners",
    "Struggle against expulsion for the right to residence",
    "Isolation torture for revolutionary prisoners",
    "Hunger striker released after months of resistance",
    "International solidarity action in front of the consulate",
    "Court renews special prison regime",
    "Prisoners demand pure vitamin B1",
    "Statement of the families of the prisoners",
)
SENTENCES = (
    "A strong sign of international solidarity has been set by actions in several countries.",
    "The prisoners continue their resistance against transfers to high-security prisons.",
    "Lawyers report that the health of the hunger strikers is deteriorating every day.",
    "Supporters gathered in front of the ministry and read out a joint statement.",
    "The court rejected the appeal without hearing the defence.",
    "Messages of solidarity arrived from organisations in Europe and Latin America.",
    "The families call on everyone to spread the voice of the prisoners.",
    "Doctors warn that without vitamin B1 lasting damage is to be expected.",
)
DEMANDS = ("Close the isolation prisons of type S, R and Y", "Right to residence",
           "An end to transfers to pit-type prisons", "Pure vitamin B1 for the strikers",
           "A fair trial", "An end to solitary confinement")
ENDINGS = (("victory", 0.4), ("released", 0.25), ("partial", 0.15), ("agreement", 0.1),
           ("ended-without-result", 0.08), ("died", 0.02))


def _text(rng: random.Random, chars: int) -> str:
    out = ""
    while len(out) < chars:
        out += rng.choice(SENTENCES) + " "
    return out[:chars].rstrip()


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def make_posts(data: DataSet, now: dt.datetime) -> list[Post]:
    rng = random.Random(data.seed)
    posts = []
    for i in range(data.posts):
        published = now - dt.timedelta(hours=3 * i + rng.randrange(3))
        title = f"{rng.choice(TOPICS)}: {_name(rng)}"
        url = f"https://is4pp.example/{published:%Y/%m/%d}/post-{i}/"
        paragraphs = "".join(f"<p>{_text(rng, 300)}</p>"
                             for _ in range(max(1, data.content_chars // 307)))
        image = (Image(f"https://is4pp.example/uploads/{i}.jpg", 1200, 675, title)
                 if i % 3 == 0 else None)
        posts.append(Post(
            id=url, source="bench", url=url, title=title, excerpt=_text(rng, 300) + "…",
            content_html=paragraphs, published=published, modified=published,
            categories=tuple(rng.sample(CATEGORIES, 2)), tags=tuple(rng.sample(TAGS, 3)),
            image=image, lang=rng.choice(("en", "en", "en", "fr", "tr")),
        ))
    return posts


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _strike_lines(i: int, rng: random.Random, today: dt.date) -> list[str]:
    country, timezone, place = rng.choice(ZONES)
    name = _name(rng)
    roll = rng.random()
    status = ("active" if roll < 0.6 else "ended" if roll < 0.85
              else "suspended" if roll < 0.9 else "announced")
    if status == "announced":
        start = today + dt.timedelta(days=rng.randrange(1, 30))
    else:
        start = today - dt.timedelta(days=rng.randrange(20, 400))
    slug = f"strike-{i}"
    lines = [
        f"[strike.{slug}]",
        f"name = {_q(name)}",
        f"country = {_q(country)}",
        f"place = {_q(place)}",
        f"timezone = {_q(timezone)}",
        f"start_date = {start.isoformat()}",
        f"kind = {_q(rng.choice(('indefinite', 'indefinite', 'death-fast', 'rotating')))}",
        f"status = {_q(status)}",
    ]
    if status in ("ended", "suspended"):
        end = start + dt.timedelta(days=rng.randrange(5, 19))
        lines.append(f"end_date = {end.isoformat()}")
    if status == "ended":
        outcome = rng.choices([o for o, _ in ENDINGS], [w for _, w in ENDINGS])[0]
        lines.append(f"outcome = {_q(outcome)}")
    if status == "active":
        confirmed = today - dt.timedelta(days=rng.randrange(0, 20))
        lines.append(f"last_confirmed = {max(confirmed, start).isoformat()}")
    demands = rng.sample(DEMANDS, 2)
    lines += [
        f"demands = [{', '.join(_q(d) for d in demands)}]",
        f"summary = {_q(f'{name} is on hunger strike in {place}. ' + _text(rng, 250))}",
        f'sources = ["https://is4pp.example/sources/{slug}"]',
        f'related_posts = ["https://is4pp.example/2025/07/{slug}/"]',
        "",
    ]
    return lines


def make_strikes_toml(data: DataSet, today: dt.date) -> str:
    rng = random.Random(data.seed + 1)
    lines = ["# Generated by bench/data.py"]
    for i in range(data.strikes):
        lines += _strike_lines(i, rng, today)
    return "\n".join(lines)


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite file, its write-ahead log included."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _generated(data: DataSet, where: Path, posts_from: Site | None) -> Site:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    site = Site(data.name, where / "widget.toml", where / "widget.sqlite3")
    if posts_from is not None:
        _copy_database(posts_from.database, site.database)
    strikes_file = where / "strikes.toml"
    strikes_file.write_text(make_strikes_toml(data, now.date()), encoding="utf-8")
    site.config.write_text(
        f'site_name = "Benchmark: {data.name}"\n'
        f'database = "{site.database.name}"\nstrikes_file = "{strikes_file.name}"\n',
        encoding="utf-8")
    strikes = parse_strikes(strikes_file.read_text(encoding="utf-8"), str(strikes_file))
    with Store(site.database) as store:
        if posts_from is None:
            store.save_posts("bench", "feed", make_posts(data, now), now)
        store.replace_strikes(strikes, now)
    return site
