// Selecting in the library: "Select all on this page", the count of ticked articles, and
// the bulk bar (templates/articles/library.html, #bulk-form) shown only while something
// is ticked. Without this file the bar is always there and the plain form does the work;
// the list and its rows are swapped by htmx, so everything here is found afresh.

const boxes = () => [...document.querySelectorAll(".select-article")];

function sync() {
  const bar = document.querySelector("[data-bulk]");
  if (!bar) return;
  bar.dataset.enhanced = "";
  const all = boxes();
  const ticked = all.filter((box) => box.checked);
  bar.classList.toggle("has-selection", ticked.length > 0);
  bar.querySelector("[data-bulk-count]").textContent =
    ticked.length === 0 ? "" : `${ticked.length} selected`;
  bar.querySelector("[data-bulk-clear]").hidden = ticked.length === 0;
  const selectAll = document.querySelector("[data-select-all]");
  if (selectAll) {
    selectAll.hidden = all.length === 0;
    const box = selectAll.querySelector("input");
    box.checked = all.length > 0 && ticked.length === all.length;
    box.indeterminate = ticked.length > 0 && ticked.length < all.length;
  }
}

document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.closest("[data-select-all]")) {
    for (const box of boxes()) box.checked = target.checked;
  }
  if (target.closest("[data-select-all]") || target.matches(".select-article")) sync();
});

document.addEventListener("click", (event) => {
  if (!event.target.closest("[data-bulk-clear]")) return;
  for (const box of boxes()) box.checked = false;
  sync();
  document.querySelector("[data-select-all] input")?.focus();
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || !event.target.closest?.("[data-bulk], .select-article")) return;
  if (!boxes().some((box) => box.checked)) return;
  for (const box of boxes()) box.checked = false;
  sync();
});

// A row swapped after starring or labelling it keeps its tick.
let kept = new Set();
document.addEventListener("htmx:beforeSwap", (event) => {
  const id = event.detail.target?.id || "";
  kept = /^article-\d+$/.test(id)
    ? new Set(boxes().filter((box) => box.checked).map((box) => box.value))
    : new Set();
});
document.addEventListener("htmx:afterSettle", () => {
  for (const box of boxes()) if (kept.has(box.value)) box.checked = true;
  kept = new Set();
  sync();
});

sync();
