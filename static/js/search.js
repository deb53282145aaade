// "/" on any page moves to the search box (the page's own one on the search page), as in
// most web apps; typing in a field, or with a modifier key, "/" is just a character.
function typing(target) {
  return target.closest?.("input, textarea, select, [contenteditable]:not([contenteditable=false])");
}

document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  if (typing(event.target)) return;
  const box = document.getElementById("search-q") || document.getElementById("site-search");
  if (!box || box.hidden) return;
  event.preventDefault();
  box.focus();
  box.select();
});
