"""Headless Chromium driven over the DevTools protocol on a pipe: no driver package, no port, no network.

Chromium reads commands on fd 3 and writes answers on fd 4 (``--remote-debugging-pipe``), one JSON
message each, ended by a NUL byte. :class:`Browser` starts Debian's ``chromium`` with a fresh profile,
opens one page, and records what a test asserts on: console messages and exceptions, and every
request the page makes. Every request other than the page's own file is intercepted and failed, so
nothing leaves the machine even when a page tries.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
)
TIMEOUT = 60.0  # seconds for any one answer (a guard against a hung browser, not a timing assertion)


def chromium() -> str | None:
    """Debian's Chromium, if installed (``.ci/run`` installs it)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(RuntimeError):
    pass


@dataclass
class PageLog:
    console: list[dict[str, Any]] = field(default_factory=list)
    """Console API calls, browser log entries and uncaught exceptions: ``{"level", "text", "source"}``."""
    requests: list[str] = field(default_factory=list)
    """Every URL the page asked for (its own file included)."""
    blocked: list[str] = field(default_factory=list)
    """URLs that would have left the file (intercepted and failed)."""

    def errors(self) -> list[dict[str, Any]]:
        return [m for m in self.console if m["level"] in ("error", "exception", "assert")]


class Browser:
    def __init__(self, exe: str, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire() -> None:  # in the child, before exec: the pipes become fds 3 and 4
            high_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)  # out of the way first: either may be 3 or 4
            high_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire,
            close_fds=False,  # our own fds are not inheritable (PEP 446); only 3 and 4 are passed on
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._seen: list[str] = []
        self.session = ""
        self.log = PageLog()

    # --- protocol -----------------------------------------------------------------------------

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(left, 0))
            if not ready:
                raise BrowserError("Chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise BrowserError(f"Chromium closed the pipe (exit code {self.proc.poll()})")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def _write(self, method: str, params: dict[str, Any] | None, page: bool) -> int:
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if page and self.session:
            msg["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(msg).encode() + b"\0")
        return self._next_id

    def _pump(self, deadline: float) -> None:
        """Read one message: keep an answer for whoever waits for it; settle an intercepted request at
        once (the page waits on it); record every other event in the page's log."""
        message = self._read_message(deadline)
        if "id" in message:
            self._replies[message["id"]] = message
            return
        method, params = message.get("method", ""), message.get("params", {})
        self._seen.append(method)
        log = self.log
        if method == "Fetch.requestPaused":
            url = params["request"]["url"]
            if url.startswith(("file:", "data:", "about:")):
                self._write("Fetch.continueRequest", {"requestId": params["requestId"]}, True)
            else:
                log.blocked.append(url)
                self._write(
                    "Fetch.failRequest", {"requestId": params["requestId"], "errorReason": "BlockedByClient"}, True
                )
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            log.console.append({"level": params.get("type", ""), "text": text, "source": "console"})
        elif method == "Log.entryAdded":
            entry = params["entry"]
            log.console.append(
                {"level": entry.get("level", ""), "text": entry.get("text", ""), "source": entry.get("source", "")}
            )
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            log.console.append({"level": "exception", "text": details.get("text", ""), "source": "exception"})
        elif method == "Network.requestWillBeSent":
            log.requests.append(params["request"]["url"])

    def send(self, method: str, params: dict[str, Any] | None = None, *, page: bool = True) -> dict[str, Any]:
        """Send one command and wait for its answer (handling the events that arrive meanwhile)."""
        wanted = self._write(method, params, page)
        deadline = time.monotonic() + TIMEOUT
        while wanted not in self._replies:
            self._pump(deadline)
        reply = self._replies.pop(wanted)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def wait_for(self, method: str) -> None:
        """Wait until the page has sent the event ``method`` (since the last wait)."""
        deadline = time.monotonic() + TIMEOUT
        while method not in self._seen:
            self._pump(deadline)
        self._seen.clear()

    def open(self, url: str, width: int = 1200, height: int = 900) -> PageLog:
        """Open ``url`` in a new page, wait until it has loaded, and return what it did so far."""
        target = self.send("Target.createTarget", {"url": "about:blank"}, page=False)
        attached = self.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, page=False)
        self.session = attached["sessionId"]
        self.log = log = PageLog()
        for domain in ("Runtime", "Log", "Network", "Page"):
            self.send(f"{domain}.enable")
        self.send("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        self._seen.clear()
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")
        self.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        return log

    def evaluate(self, expression: str) -> Any:
        """The value of a script run in the page (a promise is awaited)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, target: Path) -> Path:
        """The whole page (not just the window) as PNG."""
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                         "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})  # fmt: skip
        target.write_bytes(base64.b64decode(shot["data"]))
        return target

    def pdf(self, target: Path) -> Path:
        """The page printed as the print stylesheet asks (its @page size), backgrounds on."""
        printed = self.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
        target.write_bytes(base64.b64decode(printed["data"]))
        return target

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.send("Browser.close", page=False)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


@contextlib.contextmanager
def browser(profile: Path) -> Iterator[Browser]:
    """A headless Chromium with a fresh profile in ``profile``, closed (and waited for) on leaving."""
    exe = chromium()
    if exe is None:
        raise BrowserError("Chromium is not installed")
    profile.mkdir(parents=True, exist_ok=True)
    b = Browser(exe, profile)
    try:
        yield b
    finally:
        b.close()


CHART_MARKS = """
Array.from(document.querySelectorAll('figure')).map(fig => {
  const svg = fig.querySelector('.drawing svg');
  const table = fig.querySelector('table.data');
  const colours = {};
  if (svg) {
    for (const el of svg.querySelectorAll('g[id*="patch_"] path, g[id*="line2d_"] path, g[id*="line2d_"] use')) {
      const b = el.getBoundingClientRect();
      if (b.width <= 0 && b.height <= 0) continue;
      const style = getComputedStyle(el);
      for (const paint of [style.fill, style.stroke]) {
        if (paint && paint !== 'none') colours[paint] = (colours[paint] || 0) + 1;
      }
    }
  }
  const box = svg ? svg.getBoundingClientRect() : null;
  return {
    id: fig.id,
    chart: !!svg,
    label: svg ? svg.getAttribute('aria-label') : null,
    describedBy: svg ? svg.getAttribute('aria-describedby') : null,
    tableId: table ? table.id : null,
    tableAfterChart: !!(svg && table && (svg.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING)),
    colours: colours,
    width: box ? box.width : 0,
    height: box ? box.height : 0,
    rows: table ? table.querySelectorAll('tbody tr').length : 0,
  };
})
"""
"""Per figure: its chart (if any) with how many visible marks it drew in each colour (bars, lines and
points: matplotlib puts each bar in a ``patch_N`` group and each line in a ``line2d_N`` group), and its
table. Colours come back as the browser computes them, ``rgb(0, 114, 178)``."""


def rgb(hex_colour: str) -> str:
    """``#0072B2`` as the browser reports a computed colour: ``rgb(0, 114, 178)``."""
    h = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i : i + 2], 16) for i in (0, 2, 4)))


@dataclass
class PageCheck:
    """What a report page did in headless Chromium, and where its pictures were saved."""

    log: PageLog
    figures: list[dict[str, Any]]
    screenshot: Path
    pdf: Path


def check_page(page: Path, workdir: Path, name: str) -> PageCheck:
    """Open ``page`` in headless Chromium; return its log and figures, with a full-page screenshot and a PDF
    print. Both are also copied to ``$SV_SCREENSHOTS`` when set, for a person to look at."""
    with browser(workdir / f"profile-{name}") as b:
        log = b.open(page.resolve().as_uri())
        figures = b.evaluate(CHART_MARKS)
        shot = b.screenshot(workdir / f"{name}.png")
        pdf = b.pdf(workdir / f"{name}.pdf")
    keep = os.environ.get("SV_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for made in (shot, pdf):
            shutil.copy(made, Path(keep) / made.name)
    return PageCheck(log, figures, shot, pdf)


def require_chromium() -> None:
    """Skip where Chromium is absent, except in CI (``.ci/run`` installs it there: its absence is a failure)."""
    import pytest

    if chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed, and CI should have installed it (.ci/run)")
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run installs it)")


def pdf_page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Each page's MediaBox width and height in points (A4 is 595 x 842)."""
    import re

    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
    return [(float(w), float(h)) for w, h in boxes]
