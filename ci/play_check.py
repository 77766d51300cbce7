"""Plays the generated play page in a real browser, as a learner would, and checks what it says.

Drives Debian's chromium through Selenium's WebDriver client and chromedriver (Debian packages
python3-selenium and chromium-driver); screenshots are read with Pillow (python3-pil). It
clicks buttons with the mouse and presses keys, then checks:

- level 1: nothing of the solution shows until asked; hints come in three counted stages, each
  changing the screen; three clicks and a tick hang kubelet 1.12 — the story, the code pointer on
  the blocked send, the wait-for cycle, the lesson; the keyboard focus stays on the lane used;
- level 2: hints lead to the discarded event the resync repairs; level 5 from the keyboard (E included)
  reaches kubelet's own livelock, its loop drawn red in the state map;
- every level won by hints marks it done, and the last one opens the end screen;
- a shared link, reloaded, opens the very same state; bad links open a true state and say why;
- a walk over every state of every level: the pods table, the channel, the health line, the
  verdict card and the map's ring show exactly the state the model's graph holds;
- every text has a contrast of at least 4.5:1 (3:1 for large text), buttons under the pointer too;
- screenshots (1280x800 and a phone's 390x844) are real renderings, the phone's first screen has
  a Step button and nothing scrolls sideways;
- no JavaScript error, no console error, and no request for anything outside the file.

Usage: play_check.py PAGE.html OUT_DIR
       play_check.py PAGE.html OUT_DIR --counterexample VERDICT
The second form checks a page written by `check --play`: it opens at the counterexample.
"""
import json
import os
import re
import sys

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

CONTRAST = """
const rgb = (c) => (c.match(/[0-9.]+/g) || []).map(Number);
const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
  .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
const background = (e) => {
  for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0) return c; }
  return [255, 255, 255];
};
const ratio = (e) => { const a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
const large = (e) => { const s = getComputedStyle(e), px = parseFloat(s.fontSize);
  return px >= 24 || (px >= 18.66 && Number(s.fontWeight) >= 700); };
"""


class Browser:
    def __init__(self):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        # The walk over every state replaces the page's history entry hundreds of times a
        # second, which chromium would otherwise throttle (and log).
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                     "--disable-background-networking", "--no-first-run",
                     "--disable-ipc-flooding-protection"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.errors, self.requests = [], []

    def open(self, url, width, height, mobile=False):
        self.size(width, height, mobile)
        # Through a blank page, so that a new fragment is a fresh load, not an in-page jump.
        self.driver.get("about:blank")
        self.driver.get(url)
        self.collect()

    def size(self, width, height, mobile):
        self.metrics = (width, height, mobile)
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def collect(self):
        for entry in self.driver.get_log("browser"):
            if entry["level"] in ("SEVERE", "WARNING"):
                self.errors.append(entry["message"])
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.requests.append(message["params"]["request"]["url"])

    def js(self, expression):
        return self.driver.execute_script(f"return ({expression});")

    def click(self, selector):
        element = self.driver.find_element(By.CSS_SELECTOR, selector)
        assert element.is_enabled(), f"{selector} is disabled"
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        ActionChains(self.driver).move_to_element(element).click().perform()

    def key(self, key):
        ActionChains(self.driver).send_keys(key).perform()

    def screenshot(self, path):
        """The whole page, as a window as tall as the page shows it (the line held at the
        window's bottom then sits at the page's end, where it belongs)."""
        width, height, mobile = self.metrics
        self.size(width, self.js("document.documentElement.scrollHeight"), mobile)
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
        self.size(width, height, mobile)
        import base64
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    def close(self):
        self.collect()
        self.driver.quit()


def text(browser, selector):
    return browser.js(f"document.querySelector({json.dumps(selector)}).innerText")


def step(browser, actor, label):
    browser.click(f'button[data-actor="{actor}"][aria-label="Step {actor}: {label}"]')


def colours(path):
    image = Image.open(path).convert("RGB")
    seen, red, green = set(), 0, 0
    for r, g, b in image.getdata():
        seen.add((r, g, b))
        red += r > 150 and g < 70 and b < 70
        green += g > 100 and r < 70 and b < 90
    return image.width, image.height, len(seen), red, green


def low_contrast(browser):
    """Every element with text of its own whose contrast is below WCAG AA."""
    return browser.driver.execute_script(CONTRAST + """return [...document.querySelectorAll("body *")]
      .filter(e => e.offsetParent !== null && !e.closest("svg") &&
                   [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
      .map(e => [e.tagName + (e.id ? "#" + e.id : "") + " " + e.textContent.trim().slice(0, 30), ratio(e), large(e)])
      .filter(([, r, big]) => r < (big ? 3 : 4.5));""")


def hover_contrast(browser, selector):
    element = browser.driver.find_element(By.CSS_SELECTOR, selector)
    ActionChains(browser.driver).move_to_element(element).perform()
    return browser.driver.execute_script(CONTRAST + "return ratio(arguments[0]);", element)


def win_by_hints(browser, batches=40):
    """Asks for hints (the H key, ten at a time) until the level is won."""
    for _ in range(batches):
        if browser.js('document.querySelector("#status").className') == "won":
            return True
        browser.js("document.activeElement.blur()")
        browser.key("h" * 10)
    return browser.js('document.querySelector("#status").className') == "won"


def disagreement(shown, i):
    """What the screen shows that the state `i` it should show does not hold, if anything."""
    st = shown["state"]
    if shown["at"] != i:
        return f"the page opened state {shown['at']}"
    for p, row in enumerate(shown["rows"]):
        if row[1] != str(st["records"][p]) or row[2] != str(st["cache"][p]):
            return f"pod {p} shows {row}"
        settled = st["settled"][p] if st["settled"] else None
        synced = str(st["synced"][p]) if not (settled and settled["by"]) else \
            f"{st['synced'][p]} → {settled['version']} ({settled['by']})"
        if row[3] != synced:
            return f"pod {p} synced shows {row[3]}, the state {synced}"
    if shown["slots"] != [f"pod {p}" for p in st["channel"]]:
        return f"the channel shows {shown['slots']}, the state holds pods {st['channel']}"
    if st["health"] not in shown["health"]:
        return f"the health line {shown['health']!r} lacks {st['health']!r}"
    if (shown["ending"] is not None) != bool(st["verdict"] or st["clean"]):
        return f"the verdict card is {'shown' if shown['ending'] else 'hidden'}"
    if st["verdict"] and st["verdict"] not in shown["ending"]:
        return f"the verdict card says {shown['ending']!r}"
    effect = f"eventChannel {len(st['channel'])}/{shown['capacity']}"
    health = "PLEG healthy" if st["healthy"] else "PLEG unhealthy"
    if effect not in shown["effect"] or health not in shown["effect"]:
        return f"the last move's line {shown['effect']!r} lacks {effect!r} or {health!r}"
    if shown["ringed"] != 1 or shown["ring"] != i:
        return f"the map rings state {shown['ring']}"
    return None


def effect_in_view(browser, height):
    """A Step on the first screen, taken where it stands: what it did shows on that screen."""
    effect = 'document.querySelector("#effect")'
    before = browser.js(f"{effect}.textContent")
    assert "No move yet" in before, before
    button = browser.driver.find_element(By.CSS_SELECTOR, "#lanes button:not([disabled])")
    under = browser.js(f"{effect}.getBoundingClientRect().top")
    bottom = browser.driver.execute_script("return arguments[0].getBoundingClientRect().bottom", button)
    assert bottom <= under, f"the first Step button ({bottom}px) is not above the last move's line ({under}px)"
    ActionChains(browser.driver).move_to_element(button).click().perform()
    assert browser.js("window.scrollY") == 0, "the move scrolled the page"
    box = browser.js(f"{effect}.getBoundingClientRect().toJSON()")
    assert box["top"] >= 0 and box["bottom"] <= height, f"the last move's line is off screen: {box}"
    said, told = browser.js(f"{effect}.textContent"), text(browser, "#trace li:last-child")
    assert said != before and told.split(" ", 1)[1] in said, f"{said!r} does not tell {told!r}"


def walk_every_state(browser):
    """Opens every state of every level and compares the screen with the graph's state."""
    levels = browser.js("DATA.levels.length")
    walked = 0
    for lv in range(levels):
        count = browser.js(f"DATA.levels[{lv}].states.length")
        browser.js(f"load({lv}, [])")
        for i in range(count):
            shown = browser.js(f"""(() => {{ load({lv}, pathTo({i}));
              const rows = [...document.querySelectorAll("#pods tbody tr")].map(r => [...r.cells].map(c => c.textContent));
              return {{at, rows, state: S(), slots: [...document.querySelectorAll("#channel .slot.filled")].map(e => e.textContent),
                      health: [...document.querySelectorAll("#clock span")].map(s => s.textContent).join(" | "),
                      ending: document.querySelector("#ending").hidden ? null : document.querySelector("#ending h2").textContent,
                      ringed: document.querySelectorAll("#map circle.here").length,
                      effect: document.querySelector("#effect").textContent,
                      capacity: L().capacity,
                      ring: [...document.querySelectorAll("#map circle")].findIndex(c => c.classList.contains("here"))}}; }})()""")
            wrong = disagreement(shown, i)
            assert wrong is None, f"level {lv + 1}, state {i}: {wrong}"
            if walked == 0:
                # The comparison can fail: the same screen with one pod's record altered.
                shown["rows"][0][1] += "9"
                assert disagreement(shown, i) is not None, "a wrong pods table went unnoticed"
            walked += 1
    print(f"walked {walked} states")
    return walked


def main(page, out):
    os.makedirs(out, exist_ok=True)
    url = "file://" + os.path.abspath(page)
    browser = Browser()
    try:
        # Level 1, by clicks: start the relist, fill the one slot, block on the next, tick.
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
        ring = 'document.querySelector("#map circle.here").getAttribute("cx")'
        here = "document.querySelector('.listing .here').textContent"
        assert "updateRelistTime" in browser.js(here), browser.js(here)
        before = browser.js(ring)
        step(browser, "relist", "start the relist")
        assert browser.js(ring) != before, "the map's ring did not move with the state"
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
        assert browser.js('document.querySelector("nav button.done") !== null'), "level 1 is not marked done"
        caption = text(browser, "#map-caption")
        assert re.search(r"^\d+ states, .* the goal is \d+ of them", caption), caption
        relist_button = browser.js('document.querySelector(\'button[data-actor="relist"]\').disabled')
        assert relist_button is True, "relist must be unable to move once blocked"
        bad = low_contrast(browser)
        assert not bad, f"text below WCAG AA contrast: {bad}"
        for selector in ("#hint", 'nav button[aria-current="true"]', "#undo"):
            ratio = hover_contrast(browser, selector)
            assert ratio >= 4.5, f"{selector} under the pointer has contrast {ratio:.2f}"
        hang = os.path.join(out, "play-hang.png")
        browser.screenshot(hang)
        width, height, seen, red, green = colours(hang)
        print(f"{hang}: {width}x{height}, {seen} colours, {red} red, {green} green pixels")
        assert width == 1280 and seen > 20 and red > 200 and green > 200, "the hang or the lesson is not visible"

        # Asked in a won state, the hint says what is left: the next level.
        assert not text(browser, "#hint-text")
        browser.click("#hint")
        said = text(browser, "#hint-text")
        assert "this level is won" in said and "open level 2" in said, said

        # A shared link reproduces the state: undo one step, take the link, open it afresh.
        browser.click("#undo")
        before = (text(browser, "#status"), text(browser, "#trace"))
        link = browser.js('document.querySelector("#link").value')
        # From a file the link is the page's name and the state, opened beside the page.
        assert link == os.path.basename(page) + "#level=1&path=s.v0.v1", link
        link = "file://" + os.path.join(os.path.dirname(os.path.abspath(page)), link)
        browser.open(link, 1280, 800)
        after = (text(browser, "#status"), text(browser, "#trace"))
        assert before[1] == after[1], f"the link {link} opened another state: {after} != {before}"
        assert after[0].startswith("Goal: deadlock") and before[0].startswith("Goal: deadlock")

        # Level 2: no stall is reachable; the goal is the discarded event, found by hints.
        browser.click('nav button:nth-of-type(2)')
        assert "Find the discarded event" in text(browser, "#level-title")
        assert "No stall of any kind is reachable" in text(browser, "#status")
        assert win_by_hints(browser), "hints never found the discarded event"
        status = text(browser, "#status")
        assert "Found: relist discarded an event" in status and "kubelet_pleg_discard_events" in status, status
        assert "(resync)" in text(browser, "#pods"), "the pods table does not apply the resync the story tells"
        assert "discard" in text(browser, "#trace")
        assert not low_contrast(browser), "level 2's end breaks the contrast"

        # Level 5 from the keyboard: three relists, each started (R), visiting pod 0 and ended
        # (E), the third stuck in its send; then the clock ticks (C).
        browser.open(url + "#level=5&path=", 1280, 800)
        for key in ("r", "0", "e", "r", "0", "e", "r", "0"):
            browser.key(key)
        taken = browser.js('document.querySelectorAll("#trace li").length')
        assert taken == 8, f"eight keys took {taken} moves"
        browser.key("c")
        assert "You reached it: livelock" in text(browser, "#status"), text(browser, "#status")
        assert "Livelock" in text(browser, "#ending")
        loops = browser.js('document.querySelectorAll("#map line.loop").length')
        assert loops >= 1, "the livelock's loop is not drawn on the map"

        # Every level won (hints, one after another): each is marked done, then the end screen.
        browser.open(url, 1280, 800)
        for lv in range(browser.js("DATA.levels.length")):
            browser.click(f"nav button:nth-of-type({lv + 1})")
            trigger = text(browser, "#trigger")
            assert trigger.startswith("In a real kubelet: ") and "kubelet" in trigger[19:], trigger
            assert win_by_hints(browser), f"level {lv + 1} was not won by its hints"
        assert browser.js('document.querySelectorAll("nav button.done").length') == browser.js("DATA.levels.length")
        end = text(browser, "#done")
        assert "Every level done" in end and "hints asked" in end, end

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

        walked = walk_every_state(browser)

        # A phone: a Step button on the first screen, no sideways scrolling, the hang readable.
        browser.open(url, 390, 844, mobile=True)
        bottom = browser.js('document.querySelector("#lanes button").getBoundingClientRect().bottom')
        assert bottom <= 844, f"the first Step button is below a phone's first screen ({bottom}px)"
        effect_in_view(browser, 844)
        browser.open(url, 1280, 800)
        effect_in_view(browser, 800)
        browser.open(url, 390, 844, mobile=True)
        browser.open(url + "#level=1&path=s.v0.v1.t", 390, 844, mobile=True)
        overflow = browser.js("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
        phone = os.path.join(out, "play-phone.png")
        browser.screenshot(phone)
        width, height, seen, red, green = colours(phone)
        print(f"{phone}: {width}x{height}, {seen} colours, {red} red, {green} green pixels")
        assert width == 390 and seen > 20 and red > 100 and green > 100

        browser.collect()
        assert not browser.errors, f"the page reported errors: {browser.errors}"
        outside = [u for u in browser.requests if not u.startswith(("file://", "about:", "data:"))]
        assert not outside, f"the page fetched {outside}"
    finally:
        browser.close()
    print(f"play page: level 1 hung by clicks, hints in stages, every level won and the end screen shown, "
          f"{walked} states walked and each shown as the model holds it, contrast AA, links, keyboard and phone work")


def counterexample(page, verdict):
    browser = Browser()
    try:
        browser.open("file://" + os.path.abspath(page), 1280, 800)
        status = text(browser, "#status")
        assert f"You reached it: {verdict}" in status, status
        assert "the counterexample" in text(browser, "#level-title")
        steps = browser.js('document.querySelectorAll("#trace li").length')
        assert steps >= 3, f"the trace has {steps} lines"
        browser.collect()
        assert not browser.errors, f"the page reported errors: {browser.errors}"
    finally:
        browser.close()
    print(f"the counterexample page opens at its {verdict}, {steps} lines of story")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[3] == "--counterexample":
        counterexample(sys.argv[1], sys.argv[4])
    else:
        main(*sys.argv[1:3])
