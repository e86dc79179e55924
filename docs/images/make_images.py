"""Make the README's pictures from the comparison of the two example scenarios.

From the repository root, with the test extras and Debian's chromium installed:

    .venv/bin/python docs/images/make_images.py

It compares scenarios/helpdesk-baseline.yaml with scenarios/helpdesk-early-shift.yaml (20
replications each, seed 42), writes the report, and copies its forest plot and a screenshot of
the report's first screen (1280 × 900) here.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "report"))

from report_testkit import compare_results_folder  # noqa: E402


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temporary:
        folder = compare_results_folder(Path(temporary) / "comparison", replications=20)
        shutil.copy(folder / "charts" / "differences.png", HERE / "compare-differences.png")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium")
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((folder / "report.html").as_uri())
            page.screenshot(path=str(HERE / "compare-report-first-screen.png"))
            browser.close()


if __name__ == "__main__":
    main()
