"""`solidarity-widget post …`: the editor takes a post down by hand, and puts it back.

A hidden post is kept in the store under its canonical URL (widget/store.py), so a
sync never brings it back, whichever source offers it; each change is published to
the serving workers as a sync publishes it (widget/sync.py:edit_store).
"""

from __future__ import annotations

import datetime as dt

import click

from widget import cli_common
from widget.store import NoSuchPost, Store, StoreError
from widget.sync import SyncBusy, edit_store

_TARGET = "URL_OR_ID"


def printable(text: str) -> str:
    """One line whatever upstream wrote: line breaks and control characters escaped (a
    title's no-break spaces are kept)."""
    return "".join(ch if ch.isprintable() or ch == "\u00a0" else ascii(ch)[1:-1]
                   for ch in text)


def _fail(ctx: click.Context, message: str) -> None:
    click.echo(f"error: {printable(message)}", err=True)
    ctx.exit(1)


def _published(copied_ok: bool, detail: str) -> str:
    return ("published: the widgets drop it at their next reload" if copied_ok
            else f"not published yet: {detail}")


@click.group()
def post() -> None:
    """Take posts down by hand: hide, unhide, list-hidden.

    A post is named by its URL (as the organisation's site gives it) or its id (as
    /api/v1/posts gives it). A hidden post is gone from every widget, the API, the
    feeds and the next export; no sync brings it back until it is unhidden.
    """


@post.command()
@click.argument("target", metavar=_TARGET)
@click.option("--reason", default="", help="Why, for the other editors (never shown).")
@click.pass_context
def hide(ctx: click.Context, target: str, reason: str) -> None:
    """Hide a post from every output, now and after every sync."""
    config = cli_common.load(ctx)
    now = dt.datetime.now(dt.UTC)
    try:
        hidden, copied = edit_store(config, lambda s: s.hide_post(target, reason.strip(), now),
                                    wait=30)
    except (NoSuchPost, SyncBusy) as exc:
        _fail(ctx, str(exc))
        return
    if hidden is None:
        click.echo(f"already hidden: {printable(target)}")
        return
    what = f' "{printable(hidden.title)}" ({hidden.id})' if hidden.id else (
        " (not in the store now: it will not be shown when a source offers it)")
    click.echo(f"hidden: {printable(hidden.url)}{what}")
    click.echo(_published(copied.ok, copied.detail))


@post.command()
@click.argument("target", metavar=_TARGET)
@click.pass_context
def unhide(ctx: click.Context, target: str) -> None:
    """Show a hidden post again (if its source still offers it)."""
    config = cli_common.load(ctx)
    try:
        shown, copied = edit_store(config, lambda s: s.unhide_post(target), wait=30)
    except (NoSuchPost, SyncBusy) as exc:
        _fail(ctx, str(exc))
        return
    click.echo(f"shown again: {printable(shown.url)}"
               + ("" if shown.id else " (not in the store: it comes back with the next "
                  "sync that finds it upstream)"))
    click.echo(_published(copied.ok, copied.detail).replace("drop it", "show it"))


@post.command(name="list-hidden")
@click.pass_context
def list_hidden(ctx: click.Context) -> None:
    """List the hidden posts, most recently hidden first."""
    config = cli_common.load(ctx)
    if not config.database.exists():
        raise StoreError(f"{config.database}: missing (no sync has run yet)")
    with Store(config.database, readonly=True) as store:
        hidden = store.hidden_posts()
    if not hidden:
        click.echo("no hidden posts")
    for h in hidden:
        title = f'"{h.title}" ({h.id})' if h.id else "(not in the store)"
        reason = f"  reason: {h.reason}" if h.reason else ""
        click.echo(printable(f"{h.hidden_at:%Y-%m-%d %H:%M} UTC  {h.url}  {title}{reason}"))
