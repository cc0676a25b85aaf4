"""Writes docs/review.png, the README's picture of `cyx review` on the sample: the page in
headless Chromium (Debian's chromium and chromedriver, with fonts-noto-cjk), one mark
clicked. Run from the checkout: python docs/review_screenshot.py"""

import subprocess
import sys
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parent.parent

with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(
        [sys.executable, "-m", "chaoyang_extract.cli", "review", "data/chaoyang_2017.txt",
         "-o", tmp, "-q"], cwd=ROOT, check=True,
    )  # fmt: skip
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,860",
                 "--disable-background-networking", "--hide-scrollbars"):  # fmt: skip
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    try:
        drv.get((Path(tmp) / "chaoyang_2017.html").as_uri())
        mark = drv.find_elements("css selector", "#text mark.target")[0]
        drv.execute_script("arguments[0].scrollIntoView({block:'center'})", mark)
        mark.click()
        drv.save_screenshot(str(ROOT / "docs" / "review.png"))
    finally:
        drv.quit()
