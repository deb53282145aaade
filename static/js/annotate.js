// Highlights and notes in the reader.
//
// Offsets: the server's coordinate space is body_text, which equals the textContent of
// #article-body (marks never change it). A DOM Range's toString() is the same text, so the
// length of the range from the body's start to a selection boundary is that boundary's
// offset. JavaScript strings count UTF-16 units while Python counts code points: offsets
// are converted before they are sent, with the quote itself, which the server checks.

import { copyText } from "./clipboard.js";

// A shared page (/s/<token>/) is read-only: no toolbar, and its own URL for the cards.
const reader = document.querySelector("[data-annotate-url], [data-cards-url]");
const toolbar = document.getElementById("selection-toolbar");
const popover = document.getElementById("annotation-popover");
// The status line is looked up each time: the server's answers replace it (out of band).
const statusLine = () => document.getElementById("annotate-status");

const FLASH_MS = 1800;
let pending = null; // {start, end, quote, rect} of the selection the toolbar acts on
let lastMark = null; // the mark whose popover is open, to give focus back
let popoverByHover = false; // opened by hovering a mention: the next hover may replace it
let moving = null; // {url} of the annotation whose "Move…" waits for a selection

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

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* storage disabled: the choice lasts for this page */
  }
}

function recall(key, fallback) {
  try {
    return localStorage.getItem(key) || fallback;
  } catch {
    return fallback;
  }
}

function codePoints(text) {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

function boundaryOffset(node, offset) {
  const range = document.createRange();
  range.setStart(body(), 0);
  range.setEnd(node, offset);
  return range.toString().length;
}

// The current selection as code-point offsets into body_text, trimmed of whitespace at
// either end (a triple click selects the paragraph's trailing newline too).
function currentSelection() {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const root = body();
  if (!root) return null;
  const startsInside = root.contains(range.startContainer);
  const endsInside = root.contains(range.endContainer);
  if (!startsInside && !endsInside && !range.intersectsNode(root)) return null;
  const text = root.textContent;
  let start = startsInside ? boundaryOffset(range.startContainer, range.startOffset) : 0;
  let end = endsInside ? boundaryOffset(range.endContainer, range.endOffset) : text.length;
  while (start < end && /\s/.test(text[start])) start += 1;
  while (end > start && /\s/.test(text[end - 1])) end -= 1;
  if (start >= end) return null;
  const quote = text.slice(start, end);
  const cpStart = codePoints(text.slice(0, start));
  return { start: cpStart, end: cpStart + codePoints(quote), quote, rect: range.getBoundingClientRect() };
}

function placeBelow(element, rect) {
  element.style.top = `${window.scrollY + rect.bottom + 8}px`;
  const width = element.offsetWidth;
  const left = Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - width - 8);
  element.style.left = `${Math.max(window.scrollX + 8, left)}px`;
}

function showToolbar(selection) {
  pending = selection;
  toolbar.hidden = false;
  noteForm().hidden = true;
  entityForm().hidden = true;
  // While an annotation is being moved, the selection is where it goes: only "Move here".
  toolbar.querySelector(".toolbar-row").hidden = Boolean(moving);
  moveRow().hidden = !moving;
  placeBelow(toolbar, selection.rect);
}

function moveRow() {
  return toolbar.querySelector("[data-move-row]");
}

// "Move…" on a card: the next selection becomes the annotation's passage.
function startMove(button) {
  if (!toolbar) return;
  moving = { url: button.dataset.moveUrl };
  closePopover();
  const status = statusLine();
  status.innerHTML = "";
  const offer = document.createElement("div");
  offer.className = "status-offer";
  offer.dataset.moveOffer = "";
  const text = document.createElement("p");
  text.textContent = "Select the words this annotation belongs on, then press “Move here”.";
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "link-button";
  cancel.dataset.action = "cancel-move";
  cancel.textContent = "Cancel";
  offer.append(text, cancel);
  status.appendChild(offer);
  resetStatusSpot(status);
  placeStatus();
  body().focus({ preventScroll: true });
}

function endMove() {
  moving = null;
  statusLine()?.querySelector("[data-move-offer]")?.remove();
  if (toolbar) {
    toolbar.querySelector(".toolbar-row").hidden = false;
    moveRow().hidden = true;
  }
}

function moveHere() {
  if (!moving) return;
  const { url } = moving;
  endMove();
  send({}, url);
}

function hideToolbar() {
  toolbar.hidden = true;
  noteForm().hidden = true;
  entityForm().hidden = true;
  pending = null;
}

function noteForm() {
  return toolbar.querySelector("[data-note-form]");
}

function entityForm() {
  return toolbar.querySelector("[data-entity-form]");
}

// The tag form: the name starts as the selected words; typing asks the server for
// matching entities (htmx on the input), shown as radio choices with "New entity".
function openEntityForm() {
  pending = currentSelection() || pending;
  if (!pending) return;
  const form = entityForm();
  noteForm().hidden = true;
  form.hidden = false;
  placeBelow(toolbar, pending.rect);
  const input = form.querySelector("input[name=name]");
  input.value = pending.quote.replace(/\s+/g, " ").slice(0, 200);
  input.focus();
  input.select();
  window.htmx.trigger(input, "search");
}

function submitEntityForm() {
  const form = entityForm();
  const chosen = form.querySelector("input[name=entity]:checked");
  send(
    {
      name: form.querySelector("input[name=name]").value,
      entity: chosen ? chosen.value : "",
      kind: form.querySelector("select[name=kind]").value,
      alias: form.querySelector("input[name=alias]").checked ? "on" : "",
    },
    reader.dataset.tagUrl,
  );
}

function audience() {
  return toolbar.querySelector("[data-audience]").value;
}

function updateFromSelection() {
  if (!toolbar.hidden && toolbar.contains(document.activeElement)) return;
  const selection = currentSelection();
  if (selection) showToolbar(selection);
  else if (!toolbar.contains(document.activeElement)) hideToolbar();
}

function showStatus(message, kind = "info") {
  const status = statusLine();
  status.innerHTML = "";
  const p = document.createElement("p");
  p.className = kind === "error" ? "status-error" : "status-info";
  p.textContent = message;
  status.appendChild(p);
  resetStatusSpot(status); // a new message starts at the bottom
  placeStatus();
  window.setTimeout(() => p.remove(), 4000);
}

// The status line floats over the page, and must never hide a control under it (the
// footer's "Delete article…", a card's buttons, a link in the text). It keeps its place
// while nothing is under it, else takes the first free one of these; when every one covers
// something, it slides up from the foot of the window to the nearest height where nothing
// is under it (the gap between two rows of controls), and only when there is no such gap
// (a tiny window) takes the place covering least.
const STATUS_SPOTS = ["bottom", "bottom-start", "bottom-end", "top", "top-start", "top-end"];
const CONTROLS = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
const STATUS_CLEARANCE = 4; // px kept between the status line and a control beside it
let statusFrame = 0;

function overlaps(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function resetStatusSpot(status) {
  delete status.dataset.spot;
  status.style.removeProperty("top");
}

function coveredBy(box, controls) {
  return controls.filter((rect) => overlaps(rect, box)).length;
}

// The heights (window coordinates of the status line's top) where it would sit just clear
// of a control, above or below it, nearest the foot of the window first.
function statusHeights(controls, height) {
  const margin = 16;
  const lowest = window.innerHeight - height - margin;
  const heights = new Set();
  for (const rect of controls) {
    heights.add(rect.bottom + STATUS_CLEARANCE);
    heights.add(rect.top - height - STATUS_CLEARANCE);
  }
  return [...heights].filter((y) => y >= margin && y <= lowest).sort((a, b) => b - a);
}

function placeStatus() {
  window.cancelAnimationFrame(statusFrame);
  statusFrame = 0;
  const status = statusLine();
  if (!status) return;
  if (!status.firstElementChild) {
    resetStatusSpot(status); // the next message starts at the bottom again
    return;
  }
  const controls = [];
  for (const element of document.querySelectorAll(CONTROLS)) {
    if (status.contains(element)) continue;
    const rect = element.getBoundingClientRect();
    if (rect.width && rect.height && rect.bottom > 0 && rect.top < window.innerHeight) controls.push(rect);
  }
  const current = status.dataset.spot || STATUS_SPOTS[0];
  status.style.removeProperty("top");
  let best = null;
  for (const spot of [current, ...STATUS_SPOTS.filter((other) => other !== current)]) {
    status.dataset.spot = spot;
    const covered = coveredBy(status.getBoundingClientRect(), controls);
    if (covered === 0) return;
    if (!best || covered < best.covered) best = { spot, covered };
  }
  for (const side of ["top", "top-start", "top-end"]) {
    status.dataset.spot = side;
    status.style.top = "0px";
    const box = status.getBoundingClientRect();
    for (const y of statusHeights(controls, box.height)) {
      const moved = new DOMRect(box.left, y, box.width, box.height);
      if (coveredBy(moved, controls) === 0) {
        status.style.top = `${y}px`;
        return;
      }
    }
  }
  status.style.removeProperty("top");
  status.dataset.spot = best.spot;
}

function placeStatusSoon() {
  if (!statusFrame && statusLine()?.firstElementChild) statusFrame = window.requestAnimationFrame(placeStatus);
}

function send(values, url = reader.dataset.annotateUrl) {
  // The selection may have grown since the toolbar last looked (Shift+arrows, then "h").
  const target = currentSelection() || pending;
  if (!target) return;
  // `text`: the text this page shows; the server answers a new highlight with only the
  // paragraphs it touches when the page shows the text it has (else with the whole body).
  const data = {
    start: target.start,
    end: target.end,
    quote: target.quote,
    audience: audience(),
    text: reader.dataset.text || "",
    ...values,
  };
  hideToolbar();
  window.getSelection()?.removeAllRanges();
  window.htmx.ajax("POST", url, {
    source: reader,
    target: "#article-body",
    swap: "outerHTML",
    values: data,
    headers: { "X-CSRFToken": csrfToken() },
  });
}

// A new highlight comes back as the paragraphs it touches and its card, swapped in by id.
// Should the page have drifted from the server's (its card found no place), the body and
// the panel are fetched again whole.
function ensureDrawn(id) {
  if (document.getElementById(`card-${id}`)) return;
  const url = reader.dataset.articleUrl;
  window.htmx.ajax("GET", url, { source: reader, target: "#article-body", swap: "outerHTML", select: "#article-body" });
  window.htmx.ajax("GET", url, { source: reader, target: "#annotation-panel", swap: "outerHTML" });
}

function highlight(color) {
  const chosen = color || recall("newsroom-color", "yellow");
  remember("newsroom-color", chosen);
  send({ color: chosen });
}

// A claim to check (the fact-checking desk): the status line then offers its claimant
// and the claims worded like it.
function markClaim() {
  send({ motivation: "assessing" });
}

function openNote() {
  pending = currentSelection() || pending;
  if (!pending) return;
  const form = noteForm();
  form.hidden = false;
  placeBelow(toolbar, pending.rect);
  form.querySelector("textarea").focus();
}

function marksOf(id) {
  return body().querySelectorAll(`mark[data-ids~="${CSS.escape(String(id))}"]`);
}

function flash(id) {
  for (const mark of marksOf(id)) {
    mark.classList.remove("flash");
    void mark.offsetWidth; // restart the animation when flashed twice
    mark.classList.add("flash");
    window.setTimeout(() => mark.classList.remove("flash"), FLASH_MS);
  }
}

async function openPopover(ids, anchorElement, { focus = true } = {}) {
  lastMark = anchorElement;
  popoverByHover = false;
  const cardsUrl = reader.dataset.cardsUrl || "/annotations/";
  await window.htmx.ajax("GET", `${cardsUrl}?ids=${encodeURIComponent(ids)}`, {
    source: reader,
    target: "#annotation-popover",
    swap: "innerHTML",
  });
  popover.hidden = false;
  placePopover(anchorElement);
  if (focus) popover.querySelector("a, button, summary, textarea")?.focus({ preventScroll: true });
}

// Below the mark when it fits there, else above it when it fits there, else on the roomier
// side, no taller than that room (its content scrolls): never off the screen, and never
// over the words it is about.
const POPOVER_GAP = 8;

function placePopover(anchorElement) {
  const rect = anchorElement.getBoundingClientRect();
  const viewport = document.documentElement.clientHeight;
  popover.style.maxHeight = "";
  const natural = popover.offsetHeight;
  const below = viewport - rect.bottom - 2 * POPOVER_GAP;
  const above = rect.top - 2 * POPOVER_GAP;
  const downwards = natural <= below || (natural > above && below >= above);
  const room = Math.max(downwards ? below : above, 0);
  if (natural > room) popover.style.maxHeight = `${room}px`;
  const top = downwards ? rect.bottom + POPOVER_GAP : rect.top - POPOVER_GAP - popover.offsetHeight;
  popover.style.top = `${window.scrollY + top}px`;
  const width = popover.offsetWidth;
  const left = Math.min(rect.left, document.documentElement.clientWidth - width - POPOVER_GAP);
  popover.style.left = `${window.scrollX + Math.max(POPOVER_GAP, left)}px`;
}

// Once the window stops scrolling (a deep link scrolls smoothly to its passage) or is
// resized, the open popover is placed again for where its mark now is.
function replacePopover() {
  if (!popover.hidden && lastMark?.isConnected) placePopover(lastMark);
}

function closePopover() {
  popoverByHover = false;
  if (popover.hidden) return;
  popover.hidden = true;
  popover.innerHTML = "";
  lastMark?.focus?.({ preventScroll: true });
}

function goTo(id, { open = true } = {}) {
  const marks = marksOf(id);
  if (marks.length === 0) return false;
  marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
  flash(id);
  if (open) {
    openPopover(String(id), marks[0]);
    // The smooth scroll may still be under way as the popover opens: place it where it ends.
    afterScrolling(replacePopover);
  }
  return true;
}

function afterScrolling(callback) {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    window.removeEventListener("scrollend", once);
    callback();
  };
  window.addEventListener("scrollend", once);
  window.setTimeout(once, 1000); // no scrollend where the browser lacks it or did not scroll
}

function fromHash() {
  const hash = window.location.hash;
  const match = /^#annotation-(\d+)$/.exec(hash);
  if (match) goTo(match[1]);
  // A search result's link: #match-<start>-<end>, body offsets of its first match (a
  // browser without text fragments keeps the ":~:text=" that follows in the hash).
  const found = /^#match-(\d+)-(\d+)(?::|$)/.exec(hash);
  if (found) showMatch(Number(found[1]), Number(found[2]));
}

// Scroll the first match into view and highlight it without touching the DOM.
function showMatch(start, end) {
  const range = rangeAt(textNodes(), start, end);
  if (!range) return;
  const top = range.getBoundingClientRect().top + window.scrollY - window.innerHeight / 3;
  window.scrollTo({ top: Math.max(0, top), behavior: "instant" });
  if ("highlights" in CSS) CSS.highlights.set("search-match", new Highlight(range));
}

async function copyLink(href, kind) {
  await copyText(new URL(href, window.location.href).href);
  showStatus(
    kind === "share"
      ? "Share link copied: it opens the shared page at this passage."
      : "Link copied: it opens the article at this passage.",
  );
}

function initToolbar() {
  document.addEventListener("mouseup", (event) => {
    if (toolbar.contains(event.target) || popover.contains(event.target)) return;
    window.setTimeout(updateFromSelection, 0);
  });
  let timer = 0;
  document.addEventListener("selectionchange", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(updateFromSelection, 250);
  });

  // Keep the text selected while the toolbar is used with the mouse.
  toolbar.addEventListener("mousedown", (event) => {
    if (!event.target.closest("textarea, select")) event.preventDefault();
  });
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.color) highlight(button.dataset.color);
    else if (button.dataset.action === "note") openNote();
    else if (button.dataset.action === "entity") openEntityForm();
    else if (button.dataset.action === "claim") markClaim();
    else if (button.dataset.action === "cancel") hideToolbar();
    else if (button.dataset.action === "move-here") moveHere();
    else if (button.dataset.action === "cancel-move") {
      endMove();
      hideToolbar();
    }
  });
  noteForm().addEventListener("submit", (event) => {
    event.preventDefault();
    const note = noteForm().querySelector("textarea");
    send({ color: recall("newsroom-color", "yellow"), note: note.value });
    note.value = "";
  });
  entityForm().addEventListener("submit", (event) => {
    event.preventDefault();
    submitEntityForm();
  });
  // The choice is remembered on the server, as the person's default on every device.
  const audienceSelect = toolbar.querySelector("[data-audience]");
  audienceSelect.addEventListener("change", () => {
    const body = new URLSearchParams({ audience: audienceSelect.value });
    fetch(audienceSelect.dataset.rememberUrl, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    }).catch(() => showStatus("Could not remember this choice; it applies to this page.", "error"));
  });
}

function init() {
  if (toolbar) initToolbar();

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      if (moving) {
        endMove();
        hideToolbar();
      } else if (!popover.hidden) closePopover();
      else if (toolbar && !toolbar.hidden) {
        hideToolbar();
        window.getSelection()?.removeAllRanges();
      }
      return;
    }
    const focusedMark = document.activeElement?.closest?.("#article-body mark.hl[data-kind=mention]");
    if (focusedMark && (event.key === "Enter" || event.key === " ")) {
      // A focused mention's card opens on focus; Enter moves into it, to its links.
      event.preventDefault();
      openPopover(focusedMark.dataset.ids, focusedMark, { focus: true });
      return;
    }
    if (!toolbar || toolbar.hidden || !pending || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest?.("input, textarea, select, [contenteditable]")) return;
    if (event.key === "h") {
      event.preventDefault();
      highlight();
    } else if (event.key === "n") {
      event.preventDefault();
      openNote();
    } else if (event.key === "t") {
      event.preventDefault();
      openEntityForm();
    } else if (event.key === "c") {
      event.preventDefault();
      markClaim();
    } else if (event.key === "Enter" && moving) {
      event.preventDefault();
      moveHere();
    } else if (event.key === "Tab" && !toolbar.contains(document.activeElement)) {
      event.preventDefault();
      toolbar.querySelector(":not([hidden]) > button").focus();
    }
  });

  document.addEventListener("click", (event) => {
    const copy = event.target.closest("[data-copy-link]");
    if (copy) {
      event.preventDefault();
      copyLink(copy.getAttribute("href"), copy.dataset.copyLink);
      return;
    }
    const select = event.target.closest("[data-select]");
    if (select) {
      selectText(...select.dataset.select.split(" ").map(Number));
      return;
    }
    const goto = event.target.closest("[data-goto]");
    if (goto) {
      event.preventDefault();
      history.replaceState(null, "", `#annotation-${goto.dataset.goto}`);
      goTo(goto.dataset.goto);
      return;
    }
    const move = event.target.closest("[data-move]");
    if (move) {
      startMove(move);
      return;
    }
    if (event.target.closest("[data-action=cancel-move]")) {
      endMove();
      return;
    }
    if (event.target.closest("[data-action=dismiss-status]")) {
      statusLine().innerHTML = "";
      return;
    }
    if (event.target.closest("[data-action=close-popover]")) {
      closePopover();
      return;
    }
    const mark = event.target.closest("#article-body mark.hl");
    if (mark && window.getSelection()?.isCollapsed !== false) {
      openPopover(mark.dataset.ids, mark);
      return;
    }
    if (!popover.hidden && !popover.contains(event.target)) closePopover();
  });

  document.body.addEventListener("newsroom:annotated", (event) => {
    const { id, action } = event.detail;
    closePopover();
    if ((action === "created" || action === "claimed") && id) ensureDrawn(id);
    if (action === "created" && id) flash(id);
    if (action === "tagged") return; // the status line holds the "tag the others" offer
    if (action === "claimed") {
      flash(id); // the status line holds the claimant and seen-before offer
      return;
    }
    if (action === "tagged-all") {
      // The server wrote what it did into the status line; let it fade like the others.
      const told = statusLine().querySelector("[data-fade]");
      if (told) window.setTimeout(() => told.remove(), 6000);
      return;
    }
    const messages = {
      created: "Saved.",
      edited: "Saved.",
      deleted: "Deleted.",
      reviewed: "Reviewed.",
      accepted: "Tagged.",
      rejected: "Dismissed: it will not be suggested here again.",
    };
    showStatus(messages[action] || "Saved.");
  });

  // Mentions show their entity's card on hover and on keyboard focus.
  let hoverTimer = 0;
  const mentionAt = (target) => target.closest?.("#article-body mark.hl[data-kind=mention]");
  document.addEventListener("mouseover", (event) => {
    const mark = mentionAt(event.target);
    window.clearTimeout(hoverTimer);
    // A card opened by hovering follows the pointer to the next mention; one opened by a
    // click or the keyboard stays until closed.
    const replaceable = popover.hidden || (popoverByHover && lastMark !== mark);
    if (mark && replaceable && window.getSelection()?.isCollapsed !== false) {
      hoverTimer = window.setTimeout(async () => {
        await openPopover(mark.dataset.ids, mark, { focus: false });
        popoverByHover = true;
      }, 350);
    }
  });
  document.addEventListener("focusin", (event) => {
    const mark = mentionAt(event.target);
    if (mark) openPopover(mark.dataset.ids, mark, { focus: false });
  });
  document.body.addEventListener("htmx:afterSettle", decorate);
  decorate();

  document.body.addEventListener("htmx:afterSettle", placeStatusSoon);
  window.addEventListener("scroll", placeStatusSoon, { passive: true });
  window.addEventListener("resize", () => {
    replacePopover();
    placeStatusSoon();
  });

  window.addEventListener("hashchange", fromHash);
  fromHash();
}

// Suggested mentions are drawn with the CSS Custom Highlight API: ranges over the text,
// no elements added, so the body's text and marks stay exactly as the server made them.
function rangeAt(nodes, start, end) {
  const range = document.createRange();
  let seen = 0;
  let started = false;
  for (const node of nodes) {
    let units = 0;
    for (const char of node.data) {
      if (!started && seen === start) {
        range.setStart(node, units);
        started = true;
      }
      if (started && seen === end) {
        range.setEnd(node, units);
        return range;
      }
      seen += 1;
      units += char.length;
    }
    if (started && seen === end) {
      range.setEnd(node, units);
      return range;
    }
  }
  return null;
}

function textNodes() {
  const walker = document.createTreeWalker(body(), NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  return nodes;
}

// Select body_text[start:end] (code points) as if the reader had: the toolbar follows.
function selectText(start, end) {
  const range = rangeAt(textNodes(), start, end);
  if (!range) return;
  range.startContainer.parentElement.scrollIntoView({ block: "center", behavior: "smooth" });
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

function decorate() {
  const root = body();
  if (!root) return;
  // One tab stop per mention (a mention across a link is several marks).
  const focusable = new Set();
  for (const mark of root.querySelectorAll("mark.hl[data-kind=mention]")) {
    if (focusable.has(mark.dataset.ids)) continue;
    focusable.add(mark.dataset.ids);
    mark.tabIndex = 0;
  }
  const data = document.getElementById("suggestions");
  if (!("highlights" in CSS) || !data) return;
  const spans = JSON.parse(data.dataset.spans || "[]");
  const nodes = textNodes();
  const ranges = spans.map(([start, end]) => rangeAt(nodes, start, end)).filter(Boolean);
  CSS.highlights.set("entity-suggestion", new Highlight(...ranges));
}

if (reader && popover && window.htmx) init();
