#!/usr/bin/env python3
"""The monitor in a real browser (headless Debian chromium through chromedriver and selenium)
against a running steward: python3 monitor_browser.py BASE_URL TOKEN.

Prints one "ok: ..." line per scenario; any failure raises (exit 1). A browser that cannot
start is a failure, never a skip."""
import re
import shutil
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE, TOKEN = sys.argv[1].rstrip("/"), sys.argv[2]
WAIT = 20


def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        raise SystemExit(f"FAIL: no browser (chromium={chromium}, chromedriver={driver_path}); apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"]:
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)


def wait(driver, condition, what):
    try:
        # A live refresh may replace an element between finding and reading it: look again.
        return WebDriverWait(driver, WAIT, poll_frequency=0.1, ignored_exceptions=[StaleElementReferenceException]).until(lambda d: condition(d))
    except Exception as error:
        notice = driver.execute_script("return document.getElementById('notice').textContent")
        raise AssertionError(f"timed out waiting for {what}; notice: {notice!r}; url: {driver.current_url}") from error


def css(driver, selector):
    found = driver.find_elements(By.CSS_SELECTOR, selector)
    return found[0] if found else None


def text(driver, selector):
    element = css(driver, selector)
    try:
        return element.text if element else None
    except Exception:  # replaced while reading (a live refresh)
        return None


def confirm(driver):
    wait(driver, lambda d: d.execute_script("return document.getElementById('dialog').open"), "the confirmation dialog")
    css(driver, "#dialog-ok").click()
    wait(driver, lambda d: not d.execute_script("return document.getElementById('dialog').open"), "the dialog to close")


def click(driver, find, what):
    """Clicks what `find` returns, finding it again when a live refresh replaced it meanwhile."""
    def attempt(d):
        try:
            element = find(d)
            if element is None:
                return False
            element.click()
            return True
        except StaleElementReferenceException:
            return False
    wait(driver, attempt, what)


def click_in_row(driver, row, label):
    def find(d):
        for button in d.find_elements(By.CSS_SELECTOR, row + " button"):
            if button.text == label:
                return button
        return None
    click(driver, find, f"button {label} in {row}")


def pid(driver):
    value = text(driver, 'tr[data-process="echoer"] td.pid')  # None while a refresh replaces the row
    return value if value and re.fullmatch(r"\d+", value) else None


def main():
    driver = browser()
    try:
        driver.get(BASE + "/ui/#/processes")
        first = wait(driver, pid, "the echoer process with a pid")
        wait(driver, lambda d: text(d, 'tr[data-process="echoer"] td.state') == "running", "echoer running")
        print("ok: the processes page shows echoer running with pid", first, flush=True)

        # No token: steward refuses the action, and the page says so.
        click_in_row(driver, 'tr[data-process="echoer"]', "Restart")
        confirm(driver)
        wait(driver, lambda d: "refused (401)" in (text(d, "#notice") or ""), "the refusal")
        assert wait(driver, pid, "the pid") == first, "the process was restarted without a token"
        print("ok: without the token the restart is refused (401) and nothing changes", flush=True)

        css(driver, "#token").click()
        wait(driver, lambda d: d.execute_script("return document.getElementById('dialog').open"), "the token dialog")
        css(driver, '#dialog input[name="token"]').send_keys(TOKEN)
        css(driver, "#dialog-ok").click()
        wait(driver, lambda d: css(d, "#token").text == "Token set", "the token to be kept")
        assert driver.execute_script("return document.cookie") == "", "the token must never be a cookie"

        # A log line with HTML is text.
        driver.get(BASE + "/ui/#/process/echoer")
        line = "<script>window.pwned=1</script><b>bold</b>"
        wait(driver, lambda d: line in (text(d, ".log") or ""), "the HTML log line as text")
        assert driver.execute_script("return window.pwned === undefined"), "the log's script ran"
        assert not driver.find_elements(By.CSS_SELECTOR, ".log b, .log script"), "the log's HTML became elements"
        print("ok: a log line with HTML shows as text", flush=True)

        driver.get(BASE + "/ui/#/processes")
        before = wait(driver, pid, "the pid")
        click_in_row(driver, 'tr[data-process="echoer"]', "Restart")
        confirm(driver)
        after = wait(driver, lambda d: (p := pid(d)) and p != before and p, "a new pid after the restart")
        print(f"ok: restart changes the pid ({before} -> {after}) without a reload", flush=True)

        # Run now; the bar reaches 100 % and the log line appears, without reloading the page.
        driver.get(BASE + "/ui/#/jobs")
        driver.execute_script("window.sameDocument = 'yes'")
        click_in_row(driver, 'tr[data-job="progress"]', "Run now")
        confirm(driver)
        wait(driver, lambda d: "#/run/" in d.current_url, "the run's page")
        wait(driver, lambda d: text(d, "#run-progress") == "100 %", "the progress bar at 100 %")
        wait(driver, lambda d: "progress job done <i>x</i>" in (text(d, ".log") or ""), "the job's log line")
        wait(driver, lambda d: text(d, "#run-state") == "succeeded", "the run to succeed")
        assert driver.execute_script("return window.sameDocument") == "yes", "the page was reloaded"
        print("ok: Run now shows the bar reach 100 % and the log line live", flush=True)

        driver.get(BASE + "/ui/#/jobs")
        click_in_row(driver, 'tr[data-job="slow"]', "Run now")
        confirm(driver)
        wait(driver, lambda d: "#/run/" in d.current_url and text(d, "#run-state") == "running", "the slow run running")
        wait(driver, lambda d: "slow started" in (text(d, ".log") or ""), "the slow run's log")
        click(driver, lambda d: css(d, "#run-stop"), "the Stop button")
        confirm(driver)
        wait(driver, lambda d: text(d, "#run-state") == "stopped", "the run stopped")
        print("ok: stopping a running run ends it stopped", flush=True)

        driver.get(BASE + "/ui/#/runs")
        click(driver, lambda d: css(d, 'a[data-state="succeeded"]'), "the succeeded facet")
        wait(driver, lambda d: "state=succeeded" in d.current_url, "the filter in the URL")

        def only_succeeded(d):
            states = [e.text for e in d.find_elements(By.CSS_SELECTOR, "table.runs tr[data-run] td.state")]
            return states and all(s == "succeeded" for s in states) and "on" in (css(d, 'a[data-state="succeeded"]').get_attribute("class") or "")
        wait(driver, only_succeeded, "only succeeded runs")
        url = driver.current_url
        driver.refresh()
        wait(driver, only_succeeded, "only succeeded runs after a reload")
        assert driver.current_url == url
        print("ok: runs filtered by state, the same view after a reload", flush=True)

        # With nothing happening, the page sends nothing (live by /events, not by polling).
        driver.get(BASE + "/ui/#/")
        wait(driver, lambda d: d.execute_script("return document.querySelector('#live').textContent") == "live", "the live stream")
        wait(driver, lambda d: "Recent failures" in (text(d, "main") or ""), "the overview")
        driver.execute_script("performance.setResourceTimingBufferSize(10000); performance.clearResourceTimings()")
        time.sleep(2.5)  # an observation window: any polling at once a second or faster shows in it
        requests = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert requests == [], f"an idle page sent {requests}"
        print("ok: an idle page sends no requests", flush=True)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
