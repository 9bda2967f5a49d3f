"""`solidarity-widget strike …`: the editor's commands for the strikes file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from widget import cli_common
from widget.days import local_today
from widget.editor import (
    EditError,
    add_action,
    add_strike,
    apply,
    remove_action,
    remove_strike,
    set_words,
    update_strike,
)
from widget.i18n import LANGUAGES
from widget.model import ActionKind, Kind, Outcome, Status
from widget.strikes import StrikesFileError, load_file, printable, quoted
from widget.sync import SyncBusy, publish_strikes

DATE = click.DateTime(formats=["%Y-%m-%d"])
_FIELD_OPTIONS = [
    click.option("--name", help="Person's or group's name."),
    click.option("--country", help="ISO 3166-1 alpha-2 code (FR, TR, …)."),
    click.option("--place", help="Prison or location."),
    click.option("--timezone", help="IANA timezone of the place (Europe/Paris)."),
    click.option("--start-date", type=DATE, help="First day of the strike (day 1)."),
    click.option("--kind", type=click.Choice([k.value for k in Kind])),
    click.option("--status", type=click.Choice([s.value for s in Status])),
    click.option("--demand", "demands", multiple=True, help="A demand (repeat for several)."),
    click.option("--summary", help="A short summary."),
    click.option("--source", "sources", multiple=True, help="A link documenting the strike."),
    click.option("--related", "related_posts", multiple=True,
                 help="A link to one of the organisation's posts."),
    click.option("--day-offset", type=int, help="Added to the day count."),
    click.option("--participants", type=int, help="People on strike (collective strikes)."),
    click.option("--confirmed", "last_confirmed", type=DATE,
                 help="Date last confirmed as ongoing."),
    click.option("--unverified-after-days", type=int,
                 help="This strike's own unverified_after_days setting."),
    click.option("--start-known/--start-unknown", "start_known", default=None,
                 help="--start-unknown: no source gives the first day; --start-date is the "
                      "first day one reports it going on, and no day number is shown."),
]
_COMMON = [
    click.option("--dry-run", is_flag=True, help="Show the change; write nothing."),
    click.option("--no-publish", is_flag=True,
                 help="Write the file but do not import it into the store yet."),
]


def _with(options: list[Callable[..., Any]]) -> Callable[..., Any]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            func = option(func)
        return func
    return decorate


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or value == ():
            continue
        out[key] = value.date() if isinstance(value, dt.datetime) else value
        if key == "country":
            out[key] = str(value).upper()
        if isinstance(value, tuple):
            out[key] = list(value)
    return out


def _fail(ctx: click.Context, exc: StrikesFileError, why: str) -> None:
    """Each of the file's problems on one line of its own, FILE:LINE: …; exit 1."""
    for problem in exc.problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"error: {why}; nothing was written", err=True)
    ctx.exit(1)


def _valid(path: Path) -> bool:
    try:
        load_file(path)
    except StrikesFileError:
        return not path.exists()  # a missing file is what `add` starts from
    return True


def _run(ctx: click.Context, edit: Callable[[str], str], dry_run: bool,
         no_publish: bool, done: str, *, create: bool = False) -> None:
    config = cli_common.load(ctx)
    path = config.strikes_file
    try:
        change = apply(path, edit, write=not dry_run, create=create,
                       confirm_every_days=config.confirm_every_days)
    except EditError as exc:
        raise click.ClickException(printable(str(exc))) from None
    except StrikesFileError as exc:
        _fail(ctx, exc, "the strikes file would not be valid after this edit"
              if _valid(path) else "the strikes file has these problems; fix them first")
        return
    except OSError as exc:  # disk full, a folder that cannot be written, …
        raise click.ClickException(
            f"cannot write {printable(str(path))}: {printable(exc.strerror or str(exc))}"
        ) from None
    click.echo(change.diff() or "no change", nl=False)
    if dry_run:
        click.echo("\n(dry run: nothing was written)")
        return
    click.echo(f"\n{done}: {path}")
    if not no_publish:
        try:
            result = publish_strikes(config, wait=30)
        except SyncBusy as exc:
            click.echo(f"written, not published yet: {exc}")
            return
        state = "published" if result.ok else "not published"
        click.echo(f"{state}: {result.detail}")


def _strike_timezone(ctx: click.Context, slug: str) -> str:
    path = cli_common.load(ctx).strikes_file
    if not path.exists():
        raise click.ClickException(f"no strikes file at {printable(str(path))}")
    try:
        parsed = load_file(path)
    except StrikesFileError as exc:
        _fail(ctx, exc, "the strikes file must be valid to find the strike's timezone "
                        "(or give --date)")
        raise AssertionError("unreachable") from exc
    for strike in parsed.strikes:
        if strike.slug == slug:
            return strike.timezone
    raise click.ClickException(f"no strike {quoted(slug)} in the file")


def _today(ctx: click.Context, slug: str, given: dt.datetime | None) -> dt.date:
    if given is not None:
        return given.date()
    return local_today(_strike_timezone(ctx, slug), dt.datetime.now(dt.UTC))


@click.group()
def strike() -> None:
    """Edit the strikes file: add, update, end, suspend, confirm, remove.

    Comments and order are kept; the whole file is validated before it is
    written, atomically; the change is shown as a diff and published to the store.
    """


@strike.command()
@click.argument("slug")
@_with(_FIELD_OPTIONS + _COMMON)
@click.pass_context
def add(ctx: click.Context, slug: str, dry_run: bool, no_publish: bool, **values: Any) -> None:
    """Add a strike. Needs --name, --country, --place, --timezone, --start-date, --kind."""
    fields = _fields(values)
    fields.setdefault("status", "active")
    missing = [f"--{k.replace('_', '-')}" for k in
               ("name", "country", "place", "timezone", "start_date", "kind") if k not in fields]
    if missing:
        raise click.UsageError("missing: " + ", ".join(missing))
    _run(ctx, lambda text: add_strike(text, slug, fields), dry_run, no_publish, "added",
         create=True)  # the first strike creates the file


@strike.command()
@click.argument("slug")
@_with(_FIELD_OPTIONS + _COMMON)
@click.option("--unset", multiple=True, help="Remove a field (repeat for several).")
@click.pass_context
def update(ctx: click.Context, slug: str, dry_run: bool, no_publish: bool,
           unset: tuple[str, ...], **values: Any) -> None:
    """Change fields of a strike."""
    fields = _fields(values)
    if not fields and not unset:
        raise click.UsageError("nothing to change: give at least one field option or --unset")
    _run(ctx, lambda text: update_strike(text, slug, fields, unset), dry_run, no_publish,
         "updated")


@strike.command()
@click.argument("slug")
@click.option("--outcome", required=True, type=click.Choice([o.value for o in Outcome]))
@click.option("--date", "day", type=DATE, help="Last day (default: today in its timezone).")
@_with(_COMMON)
@click.pass_context
def end(ctx: click.Context, slug: str, outcome: str, day: dt.datetime | None, dry_run: bool,
        no_publish: bool) -> None:
    """End a strike with its outcome; the day count freezes at the end date."""
    last = _today(ctx, slug, day)
    fields = {"status": "ended", "outcome": outcome, "end_date": last}
    _run(ctx, lambda text: update_strike(text, slug, fields), dry_run, no_publish, "ended")


@strike.command()
@click.argument("slug")
@click.option("--date", "day", type=DATE, help="Last day (default: today in its timezone).")
@_with(_COMMON)
@click.pass_context
def suspend(ctx: click.Context, slug: str, day: dt.datetime | None, dry_run: bool,
            no_publish: bool) -> None:
    """Suspend a strike; the day count freezes at that date."""
    fields = {"status": "suspended", "end_date": _today(ctx, slug, day)}
    _run(ctx, lambda text: update_strike(text, slug, fields, ("outcome",)), dry_run,
         no_publish, "suspended")


@strike.command()
@click.argument("slug")
@click.option("--date", "day", type=DATE, help="Default: today in the strike's timezone.")
@_with(_COMMON)
@click.pass_context
def confirm(ctx: click.Context, slug: str, day: dt.datetime | None, dry_run: bool,
            no_publish: bool) -> None:
    """Record that the strike was confirmed as ongoing (sets last_confirmed)."""
    fields = {"last_confirmed": _today(ctx, slug, day)}
    _run(ctx, lambda text: update_strike(text, slug, fields), dry_run, no_publish, "confirmed")


@strike.command()
@click.argument("slug")
@click.option("--date", "day", type=DATE, help="Default: today in the strike's timezone.")
@_with(_COMMON)
@click.pass_context
def remove(ctx: click.Context, slug: str, day: dt.datetime | None, dry_run: bool,
           no_publish: bool) -> None:
    """Take a strike off the list, leaving a tombstone so embeds say "no longer listed"."""
    when = _today(ctx, slug, day)
    _run(ctx, lambda text: remove_strike(text, slug, when), dry_run, no_publish, "removed")


@strike.command("add-action")
@click.argument("slug")
@click.option("--kind", required=True, type=click.Choice([k.value for k in ActionKind]))
@click.option("--label", required=True, help="What the link says (1 to 80 characters).")
@click.option("--url", required=True, help="Where it leads (https).")
@_with(_COMMON)
@click.pass_context
def add_action_command(ctx: click.Context, slug: str, kind: str, label: str, url: str,
                       dry_run: bool, no_publish: bool) -> None:
    """Add a call to action (petition, letter, contact, donate, event) after the others."""
    _run(ctx, lambda text: add_action(text, slug, kind, label, url), dry_run, no_publish,
         "action added")


@strike.command("remove-action")
@click.argument("slug")
@click.argument("number", type=click.IntRange(1))
@_with(_COMMON)
@click.pass_context
def remove_action_command(ctx: click.Context, slug: str, number: int, dry_run: bool,
                          no_publish: bool) -> None:
    """Remove the strike's action NUMBER (1: the first), with its label in every language."""
    _run(ctx, lambda text: remove_action(text, slug, number), dry_run, no_publish,
         "action removed")


@strike.command()
@click.argument("slug")
@click.argument("lang", type=click.Choice([code for code in LANGUAGES]))
@click.option("--name", help="The name, when this language writes it differently.")
@click.option("--place", help="The place in this language.")
@click.option("--demand", "demands", multiple=True,
              help="A demand in this language (repeat: as many as the strike's).")
@click.option("--summary", help="The summary in this language.")
@click.option("--action-label", "actions", multiple=True,
              help="An action's label in this language (repeat: one per action, in order).")
@click.option("--unset", multiple=True, help="Remove a field of this language's words.")
@_with(_COMMON)
@click.pass_context
def words(ctx: click.Context, slug: str, lang: str, dry_run: bool, no_publish: bool,
          unset: tuple[str, ...], **values: Any) -> None:
    """Set the strike's words in another language ([strike.SLUG.LANG])."""
    fields = _fields(values)
    if not fields and not unset:
        raise click.UsageError("nothing to change: give at least one field option or --unset")
    _run(ctx, lambda text: set_words(text, slug, lang, fields, tuple(unset)), dry_run,
         no_publish, f"words in {lang} set")
