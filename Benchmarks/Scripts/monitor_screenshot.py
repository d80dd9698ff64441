#!/usr/bin/env python3
"""A screenshot of the monitor in headless chromium (what docs/monitor.png is made with):

    python3 Benchmarks/Scripts/monitor_screenshot.py http://127.0.0.1:8700 TOKEN '#/' docs/monitor.png

Enters TOKEN (empty: none) as an operator would, opens the view, waits for it to settle and
saves a PNG of the window (1400×900 unless --size W,H)."""
import shutil
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def main():
    arguments = [a for a in sys.argv[1:] if not a.startswith("--size")]
    size = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--size=")), "1400,900")
    base, token, view, out = arguments
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=" + size, "--hide-scrollbars"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    try:
        driver.get(base.rstrip("/") + "/ui/")
        if token:
            driver.execute_script("sessionStorage.setItem('steward.token', arguments[0])", token)
        driver.get(base.rstrip("/") + "/ui/" + view)
        driver.refresh()
        deadline = time.time() + 10
        while time.time() < deadline and driver.find_elements(By.XPATH, "//main/p[contains(., 'Loading')]"):
            time.sleep(0.1)
        time.sleep(1.5)  # let the live parts (log, clocks) fill in
        driver.save_screenshot(out)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
