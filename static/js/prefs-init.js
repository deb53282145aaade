// Applies the saved theme and text size before the first paint, so a dark-theme reader
// never sees a white flash. Kept tiny and classic (not a module) because it must block.
// It also marks <html class="js"> where modules run, so a phone's header is drawn folded
// behind its menu button (prefs.js opens it) from the first paint, not after a jump.
(function () {
  var root = document.documentElement;
  if ("noModule" in HTMLScriptElement.prototype) root.classList.add("js");
  try {
    var theme = localStorage.getItem("newsroom-theme");
    if (theme === "light" || theme === "dark") root.dataset.theme = theme;
    var scale = parseFloat(localStorage.getItem("newsroom-scale"));
    if (scale >= 0.8 && scale <= 1.6) root.style.setProperty("--reader-scale", String(scale));
  } catch (e) {
    /* storage disabled: fall back to the system theme and default size */
  }
})();
