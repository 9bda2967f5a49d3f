"""Accent colours that stay readable: WCAG 2.1 contrast, adjusted per theme."""

from __future__ import annotations

LIGHT_BG = "ffffff"
DARK_BG = "15171c"
AA_TEXT = 4.5


def _rgb(hex6: str) -> tuple[int, int, int]:
    return int(hex6[0:2], 16), int(hex6[2:4], 16), int(hex6[4:6], 16)


def _hex(rgb: tuple[float, ...]) -> str:
    return "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def luminance(hex6: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(hex6))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on(accent: str, background: str, minimum: float = AA_TEXT) -> str:
    """The accent, mixed towards black or white just enough to reach `minimum` contrast."""
    if contrast(accent, background) >= minimum:
        return accent
    target = (0, 0, 0) if luminance(background) > 0.5 else (255, 255, 255)
    source = _rgb(accent)
    for step in range(1, 101):
        t = step / 100
        mixed = _hex(tuple(s + (d - s) * t for s, d in zip(source, target, strict=True)))
        if contrast(mixed, background) >= minimum:
            return mixed
    return _hex(target)


def text_on(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (for buttons filled with it)."""
    return "000000" if contrast(colour, "000000") >= contrast(colour, "ffffff") else "ffffff"


def accent_css(accent: str) -> str:
    light = readable_on(accent, LIGHT_BG)
    dark = readable_on(accent, DARK_BG)
    return (
        ":root{"
        f"--sw-accent-light:#{light};--sw-on-accent-light:#{text_on(light)};"
        f"--sw-accent-dark:#{dark};--sw-on-accent-dark:#{text_on(dark)}"
        "}\n"
    )
