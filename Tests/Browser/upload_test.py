#!/usr/bin/env python3
"""A real browser on the upload page: headless Chromium (Debian's chromium + chromium-driver, driven by
Selenium, offline) opens the page, signs in when the server has a token, chooses a file, submits, follows the
progress, waits for the result, and saves the image behind the download link for the caller to compare pixel by
pixel. Takes screenshots of the sign-in page (with a token), the initial page and the result.

Usage: upload_test.py URL UPLOAD DOWNLOADED SCREENSHOTS [TOKEN]   (run by Tests/SobelWebTests/BrowserTests.swift)
Exit status 0 when the download arrived and the page fits a phone; otherwise 1 with the reason."""
import os
import sys

os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager fetch a driver
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

url, upload, downloaded_path, screenshots = sys.argv[1:5]
token = sys.argv[5] if len(sys.argv) > 5 else None
screenshot = lambda name: driver.save_screenshot(os.path.join(screenshots, name))
options = Options()
options.binary_location = "/usr/bin/chromium"
for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1000"):
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    driver.get(url)
    if token:
        # A private server: only the sign-in form shows until the browser holds a session cookie.
        if driver.find_elements(By.ID, "job") or not driver.find_element(By.ID, "token").is_displayed():
            sys.exit("a server with a token must show the sign-in form, not the upload form")
        screenshot("signin.png")
        driver.find_element(By.ID, "token").send_keys("not-the-token")
        driver.find_element(By.ID, "signin-submit").click()
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "signin-error"))
        if driver.find_elements(By.ID, "job"):
            sys.exit("a wrong token opened the page")
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.ID, "signin-submit").click()
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "job"))
        session = [cookie for cookie in driver.get_cookies() if cookie["name"] == "sobel_session"]
        if len(session) != 1 or not session[0].get("httpOnly") or session[0].get("sameSite") != "Strict":
            sys.exit(f"the session cookie must be HttpOnly and SameSite=Strict: {session}")
        if "sobel_session" in driver.execute_script("return document.cookie"):
            sys.exit("the page's script can read the session cookie")
    # Before any upload only the form shows: no result area (broken images, a bare Download link), progress or error.
    for hidden in ("result", "progress", "error"):
        if driver.find_element(By.ID, hidden).is_displayed():
            sys.exit(f"the initial page shows #{hidden}, which must stay hidden until a job runs")
    if any(image.is_displayed() for image in driver.find_elements(By.TAG_NAME, "img")):
        sys.exit("the initial page shows an image before any upload")
    screenshot("initial.png")
    driver.find_element(By.ID, "image").send_keys(os.path.abspath(upload))
    WebDriverWait(driver, 10).until(lambda d: "×" in d.find_element(By.ID, "chosen").text)
    driver.find_element(By.ID, "submit").click()

    stages = set()

    def finished(d):
        stages.add(d.find_element(By.ID, "stage").text)
        if d.find_element(By.ID, "error").is_displayed():
            return "error"
        return "done" if d.find_element(By.ID, "download").get_attribute("href") else False

    outcome = WebDriverWait(driver, 60).until(finished)
    if outcome == "error":
        sys.exit("the page shows an error: " + driver.find_element(By.ID, "error").text)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.getElementById('edges').complete"))
    # Download through the page's own link, as a user would, into a folder of our own.
    downloads = os.path.join(screenshots, "downloads")
    os.makedirs(downloads, exist_ok=True)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    link = driver.find_element(By.ID, "download")
    name = link.get_attribute("download")
    link.click()
    path = os.path.join(downloads, name)
    WebDriverWait(driver, 30).until(lambda d: os.path.exists(path) and not os.path.exists(path + ".crdownload"))
    downloaded = open(path, "rb").read()
    screenshot("result.png")
    timings = driver.find_element(By.ID, "timings").text
    if not (timings.startswith("Done in ") and "reading the image took" in timings and "finding edges" in timings):
        sys.exit(f"the final timings are not in words: {timings!r}")
    if not any(stage.startswith(("Uploading", "Reading", "Finding edges", "Putting", "Downloading")) for stage in stages):
        sys.exit(f"no progress stage was shown: {stages}")
    open(downloaded_path, "wb").write(downloaded)
    # Phone-sized: nothing wider than the screen.
    driver.set_window_size(390, 844)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 1:
        sys.exit(f"on a 390 px wide window the page is {overflow} px too wide")
    print(f"OK: downloaded {len(downloaded)} bytes; fits a phone; stages seen: {sorted(stages)}; {timings}")
finally:
    driver.quit()
