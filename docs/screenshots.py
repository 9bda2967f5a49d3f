"""Screenshots of each widget for the README: `make screenshots`.

Starts the demo on a free port of 127.0.0.1 (synced into a temporary folder), then
photographs each embed page in headless Chromium into docs/img/.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from tests.servers import Gunicorn  # noqa: E402

SHOTS = [
    ("strike-light", "/embed/strike/zehra-kurtay?theme=light", 360),
    ("strike-dark", "/embed/strike/zehra-kurtay?theme=dark", 360),
    ("strike-ar", "/embed/strike/zehra-kurtay?lang=ar&theme=light", 360),
    ("ended-light", "/embed/strike/ali-hasan-akgul?theme=light", 360),
    ("strikes-dark", "/embed/strikes?status=all&theme=dark", 480),
    ("news-light", "/embed/news?limit=3&theme=light", 480),
    ("news-dark", "/embed/news?limit=3&theme=dark&accent=1d4ed8", 480),
    ("news-ar", "/embed/news?limit=3&lang=ar&theme=light", 480),
    ("compact-light", "/embed/strike/s-r-y-type-prisons?layout=compact&theme=light", 220),
    ("builder-light", "/?widget=strike&strike=zehra-kurtay", 1100),
    ("page-light", "/strike/zehra-kurtay", 720),
]
# Share cards, as link previews fetch them.
CARDS = [("card-en", "/card/strike/zehra-kurtay.png"),
         ("card-ar", "/card/strike/zehra-kurtay.png?lang=ar")]


def main() -> None:
    out = ROOT / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo"
        shutil.copytree(ROOT / "examples" / "demo", demo, ignore=shutil.ignore_patterns("var"))
        subprocess.run([sys.executable, "-m", "widget", "--config", str(demo / "widget.toml"),
                        "sync"], check=True, capture_output=True)
        server = Gunicorn(demo / "widget.toml", workers=1)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                     args=CHROMIUM_FLAGS)
                for name, path, width in SHOTS:
                    page = browser.new_page(viewport={"width": width, "height": 200},
                                            device_scale_factor=2)
                    page.goto(server.url + path)
                    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
                    page.close()
                    print(f"docs/img/{name}.png")
                browser.close()
            for name, path in [("badge", "/badge/strike/zehra-kurtay.png"), *CARDS]:
                with urllib.request.urlopen(server.url + path) as reply:
                    (out / f"{name}.png").write_bytes(reply.read())
                    print(f"docs/img/{name}.png")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
