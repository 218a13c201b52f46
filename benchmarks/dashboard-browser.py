#!/usr/bin/env python3
"""Keeps a dashboard page open in headless Chromium, signed in, for benchmarks/dashboard.sh (and takes screenshots).

Drives Debian's chromium through chromedriver's W3C WebDriver HTTP API with the standard library only: signs in on
/dashboard/login, opens the page and leaves it refreshing itself until killed (SIGTERM), or with --screenshot saves
a PNG of the page and exits.

usage: dashboard-browser.py BASE_URL USER PASSWORD [PATH] [--screenshot FILE] [--size WIDTHxHEIGHT]
"""
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")["value"]


def main():
    args = sys.argv[1:]
    screenshot = None
    size = "1400,1000"
    if "--screenshot" in args:
        i = args.index("--screenshot")
        screenshot = args[i + 1]
        del args[i:i + 2]
    if "--size" in args:
        i = args.index("--size")
        size = args[i + 1].replace("x", ",")
        del args[i:i + 2]
    base_url, user, password = args[0].rstrip("/"), args[1], args[2]
    page = args[3] if len(args) > 3 else "/dashboard"
    port = free_port()
    profile = tempfile.mkdtemp(prefix="dashboard-chromium-")
    driver = subprocess.Popen(["/usr/bin/chromedriver", "--port=%d" % port], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    wd = "http://127.0.0.1:%d" % port
    session = None
    try:
        for _ in range(100):
            try:
                call(wd, "GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        options = {"binary": "/usr/bin/chromium",
                   "args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            "--window-size=" + size, "--user-data-dir=" + profile]}
        session = call(wd, "POST", "/session",
                       {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}})["sessionId"]
        s = "/session/" + session
        call(wd, "POST", s + "/url", {"url": base_url + "/dashboard/login"})
        for field, text in (("#username", user), ("#password", password)):
            element = call(wd, "POST", s + "/element", {"using": "css selector", "value": field})[ELEMENT]
            call(wd, "POST", s + "/element/" + element + "/value", {"text": text})
        button = call(wd, "POST", s + "/element", {"using": "css selector", "value": "#sign-in"})[ELEMENT]
        call(wd, "POST", s + "/element/" + button + "/click", {})
        call(wd, "POST", s + "/url", {"url": base_url + page})
        if screenshot:
            time.sleep(1)
            with open(screenshot, "wb") as out:
                out.write(base64.b64decode(call(wd, "GET", s + "/screenshot")))
            return
        print("open: " + base_url + page, flush=True)
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        while not stop:
            time.sleep(0.5)
    finally:
        if session:
            try:
                call(wd, "DELETE", "/session/" + session)
            except OSError:
                pass
        driver.terminate()
        driver.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
