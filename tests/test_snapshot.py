"""Incremental snapshot reloads give exactly what a full read gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from widget.fallback import Health, StoreFiles
from widget.model import Image, Media, Post
from widget.query import PostQuery, select_posts
from widget.render.feeds import feed_posts
from widget.snapshot import SnapshotSource, build_snapshot
from widget.store import Store

NOW = dt.datetime(2025, 7, 24, 12, 0, tzinfo=dt.UTC)


def post(n: int, title: str = "") -> Post:
    when = NOW - dt.timedelta(hours=n)
    return Post(id=f"s-{n}", source="s", url=f"https://org.example/{n}/",
                title=title or f"Post {n}", excerpt="e", content_html="<p>c</p>",
                published=when, modified=when, categories=("A",),
                image=Image(f"https://org.example/{n}.jpg") if n % 2 else None)


def same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a.version == b.version
    assert a.posts == b.posts
    assert dict(a.strikes) == dict(b.strikes)


def test_incremental_reload_equals_a_full_read(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite3") as store:
        store.save_posts("s", "feed", [post(n) for n in range(20)], NOW)
        first = build_snapshot(store, NOW)
        # An unchanged sync bumps the generation but no post.
        store.save_posts("s", "feed", [post(n) for n in range(20)], NOW)
        unchanged = build_snapshot(store, NOW, first)
        assert unchanged.version == first.version and unchanged.posts is first.posts
        # A changed title, a new post, a thumbnail copied later.
        store.save_posts("s", "feed", [post(3, "Changed"), post(25)], NOW,
                         [Media("https://org.example/5.jpg", "abc.jpg", "image/jpeg", b"x")])
        incremental = build_snapshot(store, NOW, unchanged)
        full = build_snapshot(store, NOW)
        same(incremental, full)
        assert incremental.version != first.version
        shown = incremental.whole(incremental.posts)
        titles = {p.id: p.title for p in shown}
        assert titles["s-3"] == "Changed" and "s-25" in titles
        image = next(p.image for p in shown if p.id == "s-5")
        assert image is not None and image.local == "/media/abc.jpg"
        assert [p.id for p in incremental.posts][:2] == ["s-0", "s-1"]
        assert len(incremental.posts) == 21


def test_version_does_not_depend_on_the_reload_path(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite3") as store:
        store.save_posts("s", "feed", [post(n) for n in range(5)], NOW)
        # Two workers at the same state.
        a, a_too = build_snapshot(store, NOW), build_snapshot(store, NOW)
        store.save_posts("s", "feed", [post(1, "One")], NOW)
        b = build_snapshot(store, NOW, a)
        store.save_posts("s", "feed", [post(2, "Two")], NOW)
        via_steps = build_snapshot(store, NOW, b)
        direct = build_snapshot(store, NOW, a_too)
        fresh = build_snapshot(store, NOW)
        same(via_steps, direct)
        same(direct, fresh)
        # However a worker got there, it is where the store is, and every field a reader
        # sees is the same (== leaves out only the private reload indexes).
        assert fresh.generation == via_steps.generation == direct.generation
        assert fresh.generation == store.generation()
        assert via_steps == direct == fresh
        compared = {f.name for f in dataclasses.fields(fresh) if f.compare}
        assert {"version", "generation", "posts", "strikes", "sources", "removed"} <= compared


def test_a_reload_leaves_the_snapshot_it_started_from_as_it_was(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite3") as store:
        store.save_posts("s", "feed", [post(n) for n in range(5)], NOW)
        base = build_snapshot(store, NOW)
        before = (base.posts, dict(base._index.by_id), dict(base._index.hashes),
                  base._index.post_sum, list(base._index.oldest_first))
        store.save_posts("s", "feed", [post(2, "Two"), post(9)], NOW)
        after = build_snapshot(store, NOW, base)
        assert len(after.posts) == 6 and after.version != base.version
        # A worker still answering from `base` sees it whole, and a second reload from
        # it (another thread, a retried build) gives the same as the first.
        assert (base.posts, dict(base._index.by_id), dict(base._index.hashes),
                base._index.post_sum, list(base._index.oldest_first)) == before
        same(build_snapshot(store, NOW, base), after)


def test_rows_deleted_by_hand_go_at_the_next_reload(tmp_path: Path) -> None:
    import sqlite3

    with Store(tmp_path / "s.sqlite3") as store:
        store.save_posts("s", "feed", [post(n) for n in range(5)], NOW)
        base = build_snapshot(store, NOW)
    db = sqlite3.connect(tmp_path / "s.sqlite3")
    with db:  # an operator's DELETE, then anything that moves the generation on
        db.execute("DELETE FROM posts WHERE id = 's-2'")
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                   "WHERE key = 'generation'")
    db.close()
    with Store(tmp_path / "s.sqlite3") as store:
        after = build_snapshot(store, NOW, base)
        assert "s-2" not in {p.id for p in after.posts} and len(after.posts) == 4
        same(after, build_snapshot(store, NOW))


def test_snapshots_hold_no_texts_and_renderings_read_them_from_their_copy(
        tmp_path: Path) -> None:
    """PERF: a worker's snapshot keeps ids, URLs, dates and terms, not titles, texts and
    images; `whole` reads those from the copy the snapshot was built from, which a newer
    copy with the same data replaces (the one before is closed at the next switch)."""
    database = tmp_path / "s.sqlite3"
    health = Health()
    files = StoreFiles(database, health)
    clock = [NOW]
    with Store(database) as store:
        store.save_posts("s", "feed", [post(n) for n in range(3)], NOW)
        store.save_copy()
        source = SnapshotSource(files.open(), 1, lambda: clock[0], files)
        snapshot = source.current()
        assert {(p.title, p.excerpt, p.content_html, p.image) for p in snapshot.posts} == {
            ("", "", "", None)}
        assert [(p.id, p.title, p.excerpt, p.content_html, p.image is not None)
                for p in snapshot.whole(snapshot.posts)] == [
            ("s-0", "Post 0", "e", "<p>c</p>", False), ("s-1", "Post 1", "e", "<p>c</p>", True),
            ("s-2", "Post 2", "e", "<p>c</p>", False)]
        # The same data published again, twice: the first copy is closed by then.
        for _ in range(2):
            store.save_copy()
            clock[0] += dt.timedelta(seconds=2)
            again = source.current()
        assert again.version == snapshot.version
        assert [p.content_html for p in again.whole(again.posts)] == ["<p>c</p>"] * 3
        source.store.close()


def test_a_post_gone_from_a_live_store_is_left_out_never_shown_empty(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite3") as store:
        store.save_posts("s", "feed", [post(n) for n in range(3)], NOW)
        snapshot = build_snapshot(store, NOW)
        store.save_posts("s", "feed", [post(0), post(2)], NOW, listed={"s-0", "s-2"})
        assert [p.id for p in snapshot.whole(snapshot.posts)] == ["s-0", "s-2"]


def test_the_api_and_feeds_give_every_post_whole(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite3") as store:
        store.save_posts("s", "feed", [post(n) for n in range(60)], NOW)
        snapshot = build_snapshot(store, NOW)
        page, last = select_posts(snapshot, PostQuery(limit=50))
        assert len(page) == 50 and last is not None
        assert {(p.excerpt, p.content_html) for p in page} == {("e", "<p>c</p>")}
        assert [p.title for p in page[:2]] == ["Post 0", "Post 1"]
        carried = feed_posts(snapshot)
        assert len(carried) == 50 and {p.content_html for p in carried} == {"<p>c</p>"}
