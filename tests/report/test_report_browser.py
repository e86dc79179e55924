"""The comparison report in a real browser: Debian's chromium, driven by Playwright.

Playwright's own browser download cannot be reached here, so the test launches the system's
``chromium`` (``apt-get install chromium``; CI's ``.ci/run`` installs it). Without it the test
fails and says so: a report nobody has opened in a browser is not tested.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from report_testkit import compare_results_folder

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
A4_POINTS = (595, 842)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = compare_results_folder(tmp_path_factory.mktemp("browser") / "comparison")
    return folder / "report.html"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: `apt-get install -y chromium` (as .ci/run does); "
                    "the report's browser test needs it", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


def test_the_comparison_report_opens_offline_and_shows_the_verdict(report, browser, tmp_path):
    import json

    from PIL import Image

    comparison = json.loads((report.parent / "comparison.json").read_text())
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report.as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")

    text = " ".join(page.inner_text("body").split())
    parts = comparison["verdict_parts"]
    for sentence in [*parts["ranking"], *parts["feasibility"], *parts["differences"], parts["closing"]]:
        assert " ".join(sentence.split()) in text      # every sentence of the verdict is shown
    for name in comparison["scenarios"]:
        assert name in text
    assert page.locator("figure img").count() == len(list((report.parent / "charts").glob("*.png")))
    assert all(page.eval_on_selector_all("figure img", "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)"))

    shot = tmp_path / "first-screen.png"
    page.screenshot(path=str(shot))
    with Image.open(shot) as image:
        colours = image.convert("RGB").getcolors(1_000_000)
    assert colours is not None and len(colours) > 100, "the first screen is (nearly) blank"

    assert requests, "the page made no request at all: it was not loaded"
    outside = [url for url in requests if not url.startswith(("file:", "data:"))]
    assert outside == [], f"the report reached outside its file: {outside}"
    page.close()


def test_the_report_prints_on_a4_pages(report, browser, tmp_path):
    page = browser.new_page()
    page.goto(report.as_uri(), wait_until="load")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.close()
    boxes = {tuple(round(float(v)) for v in box.decode().split()[2:4])
             for box in re.findall(rb"/MediaBox\s*\[\s*([0-9.\s]+)\]", pdf)}
    assert boxes == {A4_POINTS}
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 3 <= pages <= 30
