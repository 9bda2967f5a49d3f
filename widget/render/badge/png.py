"""A badge as PNG, for e-mail and BBCode forums where SVG is rarely shown: resvg."""

from __future__ import annotations

PNG_SCALE = 2  # the default: crisp on high-DPI screens, shown at half its pixel size
# What the PNG route offers (`scale=1`: an image whose pixels are its size, for BBCode
# forums, which show an image at its pixel size and cannot be told another).
PNG_SCALES = (1, 2)


def to_png(svg: bytes, scale: int = PNG_SCALE) -> bytes:
    """Rasterise a badge with resvg at `scale` times its size.

    The SVG holds only paths and fills, so no font is looked up: the PNG is the SVG.
    """
    import resvg_py  # imported here: only PNG requests pay for loading it

    return bytes(resvg_py.svg_to_bytes(svg_string=svg.decode(), zoom=scale,
                                       skip_system_fonts=True))
