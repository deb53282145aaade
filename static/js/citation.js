// "Copy citation" on an annotation card (articles/citations.py writes the markup): the
// Copy buttons copy their box's text and say "Copied" where a screen reader hears it too.

import { copyText } from "./clipboard.js";

// The card is rendered without the request: a pasted article's citation names its page
// by path, made absolute here once, as "Copy link" does, before anyone reads or copies it.
function resolve(box) {
  const path = box.dataset.citationPath;
  if (!path) return;
  box.textContent = box.textContent.replaceAll(path, new URL(path, window.location.href).href);
  delete box.dataset.citationPath;
}

document.addEventListener(
  "toggle",
  (event) => {
    if (!event.target.matches?.(".card-citation") || !event.target.open) return;
    event.target.querySelectorAll("[data-citation-path]").forEach(resolve);
  },
  true, // toggle does not bubble
);

const timers = new WeakMap();

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-citation]");
  if (!button) return;
  const box = document.getElementById(button.dataset.copyCitation);
  if (!box) return;
  resolve(box);
  await copyText(box.textContent);
  const status = button.closest(".citation-body")?.querySelector(".citation-status");
  if (!status) return;
  const what = button.dataset.copyCitation.endsWith("-markdown") ? "Markdown" : "plain text";
  status.textContent = `Copied the citation as ${what}`;
  window.clearTimeout(timers.get(status));
  timers.set(status, window.setTimeout(() => { status.textContent = ""; }, 4000));
});
