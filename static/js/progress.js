// Reading progress: tell the server where the person is in the article as they scroll,
// and take them back there when they come through "Continue reading" (#continue).
//
// The place is two numbers: `progress`, the share of the body scrolled past (0-1, for the
// library's bar), and `position`, the offset in body_text (code points, the coordinate
// space of every selector) of the first block on screen, for coming back. Both are the
// server's to clamp; this file only reports, at most every REPORT_MS, and once more as
// the page is left.

const reader = document.querySelector("[data-progress-url]");
const REPORT_MS = 1500;

function body() {
  return document.getElementById("article-body");
}

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  } catch {
    return "";
  }
}

function codePoints(text) {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

// The body's top-level nodes with the offset each starts at: textContent of the body is
// body_text, so the offsets add up node by node.
function* blocks() {
  let offset = 0;
  for (const node of body().childNodes) {
    yield { node, offset };
    offset += codePoints(node.textContent);
  }
}

function place() {
  const box = body().getBoundingClientRect();
  if (box.height <= 0) return null;
  const seen = (window.innerHeight - box.top) / box.height;
  const progress = Math.min(1, Math.max(0, seen));
  let position = 0;
  for (const { node, offset } of blocks()) {
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    position = offset;
    if (node.getBoundingClientRect().bottom > 0) break;
  }
  return { progress: progress.toFixed(4), position: String(position) };
}

let last = "";
let timer = null;
let moved = false; // an article opened and left unscrolled has no place to remember

// Only the person's own scrolling moves their place: not a deep link's jump to an
// annotation or a search match, a popover or toast placing itself, nor coming back
// through #continue. So a scroll counts within INTENT_MS of a wheel, touch or scrolling
// key, or while the scrollbar is held (a press on the page itself, <html>: selecting
// text with the mouse is not scrolling).
const INTENT_MS = 1000;
const SCROLL_KEYS = new Set(["PageDown", "PageUp", "ArrowDown", "ArrowUp", "Home", "End", " "]);
let intent = -Infinity;
let held = false;

function intended() {
  intent = performance.now();
}

function report({ leaving = false } = {}) {
  timer = null;
  const now = place();
  if (!now) return;
  const key = `${now.progress} ${now.position}`;
  if (key === last) return;
  last = key;
  const form = new FormData();
  form.set("progress", now.progress);
  form.set("position", now.position);
  form.set("csrfmiddlewaretoken", csrfToken());
  const url = reader.dataset.progressUrl;
  if (leaving && navigator.sendBeacon) {
    navigator.sendBeacon(url, form);
    return;
  }
  fetch(url, {
    method: "POST",
    body: form,
    headers: { "X-CSRFToken": csrfToken() },
    credentials: "same-origin",
    keepalive: true,
  }).catch(() => {}); // a lost report is replaced by the next one
}

function scrolled() {
  if (!held && performance.now() - intent > INTENT_MS) return;
  moved = true;
  if (timer === null) timer = window.setTimeout(report, REPORT_MS);
}

function restore() {
  const position = Number(reader.dataset.position);
  if (window.location.hash !== "#continue" || !Number.isFinite(position)) return;
  let target = null;
  for (const { node, offset } of blocks()) {
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    if (offset > position) break;
    target = node;
  }
  // The hash only asked for this; the address stays the article's own.
  history.replaceState(history.state, "", window.location.pathname + window.location.search);
  if (target) target.scrollIntoView({ block: "start", behavior: "instant" });
}

if (reader && body()) {
  restore();
  window.addEventListener("scroll", scrolled, { passive: true });
  window.addEventListener("wheel", intended, { passive: true });
  window.addEventListener("touchmove", intended, { passive: true });
  window.addEventListener("keydown", (event) => {
    const control = event.target.closest?.(
      "input, textarea, select, button, summary, [contenteditable], [role]",
    );
    if (SCROLL_KEYS.has(event.key) && !control) intended();
  });
  window.addEventListener("pointerdown", (event) => {
    held = event.target === document.documentElement;
  });
  window.addEventListener("pointerup", () => {
    if (held) intended(); // the scrolling a drag started may still be settling
    held = false;
  });
  window.addEventListener("pagehide", () => {
    if (timer !== null) window.clearTimeout(timer);
    if (moved) report({ leaving: true });
  });
  document.addEventListener("visibilitychange", () => {
    if (moved && document.visibilityState === "hidden") report({ leaving: true });
  });
}
