"""Plays the generated play page in a real browser, as a learner would, and checks what it says.

Drives headless Chromium through the DevTools protocol over a pipe (--remote-debugging-pipe:
JSON messages, NUL-terminated, on file descriptors 3 and 4), with Python's standard library
only. It clicks buttons at their on-screen positions and presses keys, then checks:

- level 1: three clicks hang kubelet 1.12 — the page says so, tells the story, shows the lesson;
- level 1: nothing of the solution shows until asked; hints come in three counted stages;
- level 2: clicking Hint again and again never hangs kubelet 1.14, and the page says why;
- a shared link, reloaded, opens the very same state;
- level 5 played from the keyboard reaches kubelet's own livelock;
- screenshots (1280x800 and a phone's 390x844) are real renderings, with the hang in red and the
  lesson in green, and the phone layout needs no sideways scrolling;
- no JavaScript error, no console error, and no request for anything outside the file.

Usage: play_check.py CHROMIUM PAGE.html OUT_DIR
       play_check.py CHROMIUM PAGE.html OUT_DIR --counterexample VERDICT
The second form checks a page written by `check --play`: it opens at the counterexample.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from png_check import pixels  # noqa: E402


class Browser:
    def __init__(self, chromium):
        self.to_browser_r, self.to_browser_w = os.pipe()
        self.from_browser_r, self.from_browser_w = os.pipe()
        profile = tempfile.mkdtemp(prefix="play-check-")

        def fds():
            os.dup2(self.to_browser_r, 3)
            os.dup2(self.from_browser_w, 4)

        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}",
             "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4), preexec_fn=fds, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(self.to_browser_r)
        os.close(self.from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.session = None
        self.errors, self.requests, self.events = [], [], []

    def _read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_browser_r, 1 << 16)
            if not chunk:
                raise RuntimeError("the browser closed its pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, session=True, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_browser_w, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._note(reply)

    def _note(self, event):
        method, params = event.get("method"), event.get("params", {})
        self.events.append(method)
        if method == "Runtime.exceptionThrown":
            self.errors.append(params["exceptionDetails"].get("exception", {}).get("description")
                               or params["exceptionDetails"].get("text"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append("console: " + json.dumps(params.get("args")))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            self.errors.append("log: " + params["entry"].get("text", ""))
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])

    def wait_for(self, method):
        while method not in self.events:
            self._note(self._read())
        self.events.remove(method)

    def open(self, url, width, height, mobile=False):
        if self.session is None:
            target = self.send("Target.createTarget", session=False, url="about:blank")
            attached = self.send("Target.attachToTarget", session=False,
                                 targetId=target["targetId"], flatten=True)
            self.session = attached["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=mobile)
        # Through a blank page, so that a new fragment is a fresh load, not an in-page jump.
        for address in ("about:blank", url):
            self.events.clear()
            self.send("Page.navigate", url=address)
            self.wait_for("Page.loadEventFired")

    def js(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector):
        """Clicks the centre of the element, as a mouse would (scrolled into view first)."""
        box = self.js(f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
            if (!e) return null; e.scrollIntoView({{block: "center"}});
            const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2, e.disabled]; }})()""")
        assert box is not None, f"no element {selector}"
        assert not box[2], f"{selector} is disabled"
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left",
                      clickCount=1)

    def key(self, key):
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, text=key if kind == "keyDown" else "")

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except RuntimeError:
            pass
        self.process.wait(timeout=30)


def text(browser, selector):
    return browser.js(f"document.querySelector({json.dumps(selector)}).innerText")


def step(browser, actor, label):
    browser.click(f'button[data-actor="{actor}"][aria-label="Step {actor}: {label}"]')


def colours(path):
    width, height, channels, rows = pixels(path)
    seen, red, green = set(), 0, 0
    for row in rows:
        for x in range(0, len(row), channels):
            r, g, b = row[x], row[x + 1], row[x + 2]
            seen.add((r, g, b))
            red += r > 150 and g < 70 and b < 70
            green += g > 100 and r < 70 and b < 90
    return width, height, len(seen), red, green


def main(chromium, page, out):
    os.makedirs(out, exist_ok=True)
    url = "file://" + os.path.abspath(page)
    browser = Browser(chromium)
    try:
        # Level 1, by clicks: start the relist, fill the one slot, block on the next, let the clock tick.
        browser.open(url, 1280, 800)
        assert "Level 1: Hang kubelet 1.12" in text(browser, "#level-title")
        # Nothing of the solution shows until asked; hints come in stages, each counted.
        status = text(browser, "#status")
        assert "moves away" not in status and not text(browser, "#hint-text"), status
        browser.click("#hint")
        said = text(browser, "#hint-text")
        assert "Hint 1 of 3: move relist next" in said and "hints asked on this level: 1" in said, said
        assert "4 moves away" in text(browser, "#status"), text(browser, "#status")
        browser.click("#hint")
        assert "Hint 2 of 3" in text(browser, "#hint-text") and "relistThreshold" in text(browser, "#hint-text")
        assert browser.js('document.querySelectorAll("button.hinted").length') == 0
        browser.click("#hint")
        assert "Hint 3 of 3: relist: start the relist" in text(browser, "#hint-text")
        assert browser.js('document.querySelectorAll("button.hinted").length') == 1
        here = 'document.querySelector(\'.listing .here\').textContent'
        assert "updateRelistTime" in browser.js(here), browser.js(here)
        step(browser, "relist", "start the relist")
        assert not text(browser, "#hint-text"), "a move ends the hint"
        assert "range eventsByPodID" in browser.js(here), "relist's pointer did not move to its loop"
        focused = browser.js('document.activeElement.dataset.actor || document.activeElement.id')
        assert focused == "relist", f"the focus left relist's lane after its move: {focused}"
        step(browser, "relist", "visit pod 0")
        step(browser, "relist", "visit pod 1")
        step(browser, "clock", "tick")
        status = text(browser, "#status")
        assert "You reached it: deadlock" in status, status
        story = text(browser, "#trace")
        for words in ("updateRelistTime(0)", "blocks: eventChannel is full (1/1)",
                      "PLEG is now unhealthy", "skipping pod synchronization"):
            assert words in story, f"the story lacks {words!r}: {story}"
        assert "Circular wait" in text(browser, "#ending")
        assert "eventChannel <-" in browser.js(here), "relist's pointer is not on its blocked send"
        arrows = browser.js('document.querySelectorAll("#ending svg.wait-for line").length')
        assert arrows == 4, f"the wait-for cycle is not drawn: {arrows} arrows"
        lesson = text(browser, "#lesson")
        assert "circular wait of kubernetes#72482" in lesson and "null" not in lesson, lesson
        assert browser.js('document.querySelector("#lesson").hidden') is False
        relist_button = browser.js('document.querySelector(\'button[data-actor="relist"]\').disabled')
        assert relist_button is True, "relist must be unable to move once blocked"
        hang = os.path.join(out, "play-hang.png")
        browser.screenshot(hang)
        width, height, seen, red, green = colours(hang)
        print(f"{hang}: {width}x{height}, {seen} colours, {red} red, {green} green pixels")
        assert width == 1280 and seen > 20 and red > 200 and green > 200, "the hang or the lesson is not visible"

        # A shared link reproduces the state: undo one step, take the link, open it afresh.
        browser.click("#undo")
        before = (text(browser, "#status"), text(browser, "#trace"))
        link = browser.js('document.querySelector("#link").value')
        assert "#level=1&path=s.v0.v1" in link, link
        browser.open(link, 1280, 800)
        after = (text(browser, "#status"), text(browser, "#trace"))
        # The link carries the state, not the hints asked for (a fresh page has asked none).
        assert before[1] == after[1], f"the link {link} opened another state: {after} != {before}"
        assert after[0].startswith("Goal: deadlock") and before[0].startswith("Goal: deadlock")

        # Level 2: no stall is reachable; the goal is the discarded event, won by asking hints.
        browser.click('nav button:nth-of-type(2)')
        assert "Find the discarded event" in text(browser, "#level-title")
        status = text(browser, "#status")
        assert "No stall of any kind is reachable" in status, status
        for _ in range(40):
            if "Found:" in text(browser, "#status"):
                break
            browser.click("#hint")
        status = text(browser, "#status")
        assert "Found: relist discarded an event" in status and "kubelet_pleg_discard_events" in status, status
        pods = text(browser, "#pods")
        assert "(resync)" in pods, f"the pods table does not apply the resync the story tells: {pods}"
        story = text(browser, "#trace")
        assert "discard" in story, story

        # Level 5 from the keyboard: relist starts (R), visits pods 0 and 1, the clock ticks (C).
        browser.open(url + "#level=5&path=", 1280, 800)
        for key in ("r", "0", "1", "c"):
            browser.key(key)
        status = text(browser, "#status")
        assert "You reached it: livelock" in status, status
        assert "Livelock" in text(browser, "#ending")

        # Bad links say what they could not follow, and open somewhere true.
        browser.open(url + "#level=abc", 1280, 800)
        assert "Level 1:" in text(browser, "#level-title"), text(browser, "#level-title")
        said = text(browser, "#link-notice")
        assert 'level "abc"' in said and "level 1 is open instead" in said, said
        browser.open(url + "#level=1.5", 1280, 800)
        assert 'level "1.5"' in text(browser, "#link-notice")
        browser.open(url + "#level=2&path=s.zz.v0", 1280, 800)
        said = text(browser, "#link-notice")
        assert 'stops at "zz"' in said and "1 of 3 moves" in said, said
        assert "Level 2:" in text(browser, "#level-title")

        # A phone: readable, no sideways scrolling, the lesson still there.
        browser.open(url + "#level=1&path=s.v0.v1.t", 390, 844, mobile=True)
        overflow = browser.js("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
        phone = os.path.join(out, "play-phone.png")
        browser.screenshot(phone)
        width, height, seen, red, green = colours(phone)
        print(f"{phone}: {width}x{height}, {seen} colours, {red} red, {green} green pixels")
        assert width == 390 and seen > 20 and red > 100 and green > 100

        assert not browser.errors, f"the page reported errors: {browser.errors}"
        outside = [u for u in browser.requests if not u.startswith(("file://", "about:", "data:"))]
        assert not outside, f"the page fetched {outside}"
    finally:
        browser.close()
    print("play page: level 1 hung by clicks (code pointers and the cycle drawn), level 2's discard found by hints, links replay, keyboard and phone work")


def counterexample(chromium, page, verdict):
    browser = Browser(chromium)
    try:
        browser.open("file://" + os.path.abspath(page), 1280, 800)
        status = text(browser, "#status")
        assert f"You reached it: {verdict}" in status, status
        assert "the counterexample" in text(browser, "#level-title")
        steps = browser.js('document.querySelectorAll("#trace li").length')
        assert steps >= 3, f"the trace has {steps} lines"
        assert not browser.errors, f"the page reported errors: {browser.errors}"
    finally:
        browser.close()
    print(f"the counterexample page opens at its {verdict}, {steps} lines of story")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[4] == "--counterexample":
        counterexample(sys.argv[1], sys.argv[2], sys.argv[5])
    else:
        main(*sys.argv[1:4])
