#!/usr/bin/env python3
"""A real browser on the upload page: headless Chromium (Debian's chromium + chromium-driver, driven by
Selenium, offline) opens the page, chooses a file, submits, waits for the result, and checks that the
image behind the download link, saving it for the caller to compare pixel by pixel. Takes a screenshot.

Usage: upload_test.py URL UPLOAD DOWNLOADED SCREENSHOT   (run by Tests/SobelWebTests/BrowserTests.swift)
Exit status 0 when the download arrived and the page fits a phone; otherwise 1 with the reason."""
import os
import sys

os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager fetch a driver
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

url, upload, downloaded_path, screenshot = sys.argv[1:5]
options = Options()
options.binary_location = "/usr/bin/chromium"
for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1000"):
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    driver.get(url)
    # Before any upload only the form shows: no result area (broken images, a bare Download link), progress or error.
    for hidden in ("result", "progress", "error"):
        if driver.find_element(By.ID, hidden).is_displayed():
            sys.exit(f"the initial page shows #{hidden}, which must stay hidden until a job runs")
    if any(image.is_displayed() for image in driver.find_elements(By.TAG_NAME, "img")):
        sys.exit("the initial page shows an image before any upload")
    driver.find_element(By.ID, "image").send_keys(os.path.abspath(upload))
    WebDriverWait(driver, 10).until(lambda d: "×" in d.find_element(By.ID, "chosen").text)
    driver.find_element(By.ID, "submit").click()

    def finished(d):
        if d.find_element(By.ID, "error").is_displayed():
            return "error"
        return "done" if d.find_element(By.ID, "download").get_attribute("href") else False

    outcome = WebDriverWait(driver, 60).until(finished)
    if outcome == "error":
        sys.exit("the page shows an error: " + driver.find_element(By.ID, "error").text)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.getElementById('edges').complete"))
    # Download through the page's own link, as a user would, into a folder of our own.
    downloads = os.path.join(os.path.dirname(os.path.abspath(screenshot)), "downloads")
    os.makedirs(downloads, exist_ok=True)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    link = driver.find_element(By.ID, "download")
    name = link.get_attribute("download")
    link.click()
    path = os.path.join(downloads, name)
    WebDriverWait(driver, 30).until(lambda d: os.path.exists(path) and not os.path.exists(path + ".crdownload"))
    downloaded = open(path, "rb").read()
    driver.save_screenshot(screenshot)
    open(downloaded_path, "wb").write(downloaded)
    # Phone-sized: nothing wider than the screen.
    driver.set_window_size(390, 844)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 1:
        sys.exit(f"on a 390 px wide window the page is {overflow} px too wide")
    print(f"OK: downloaded {len(downloaded)} bytes; fits a phone; timings: {driver.find_element(By.ID, 'timings').text}")
finally:
    driver.quit()
