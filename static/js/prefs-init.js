// Applies the theme and text size before the first paint, so a dark-theme reader never
// sees a white flash. Kept tiny and classic (not a module) because it must block.
// Signed in (<html data-account-prefs>), the server already wrote the person's choice on
// <html> (data-theme, data-scale), and it wins: it is copied to localStorage, so the
// sign-in page after signing out looks the same. A change this person made here that the
// server has not confirmed yet (prefs.js marks it "unsynced" with their id, e.g. the page
// reloaded meanwhile) wins until prefs.js has sent it. Signed out, localStorage decides.
// It also marks <html class="js"> where modules run, so a phone's header is drawn folded
// behind its menu button (prefs.js opens it) from the first paint, not after a jump.
(function () {
  var root = document.documentElement;
  if ("noModule" in HTMLScriptElement.prototype) root.classList.add("js");
  try {
    var store = window.localStorage;
    var account = root.getAttribute("data-account-prefs");
    if (account && store.getItem("newsroom-prefs-unsynced") !== account) {
      if (root.dataset.theme) store.setItem("newsroom-theme", root.dataset.theme);
      else store.removeItem("newsroom-theme");
      if (root.dataset.scale) store.setItem("newsroom-scale", root.dataset.scale);
      else store.removeItem("newsroom-scale");
    } else {
      var theme = store.getItem("newsroom-theme");
      if (theme === "light" || theme === "dark") root.dataset.theme = theme;
      var stored = parseFloat(store.getItem("newsroom-scale"));
      if (stored >= 0.8 && stored <= 1.6) root.dataset.scale = String(stored);
    }
  } catch (e) {
    /* storage disabled: the server's choice, or the system theme and default size */
  }
  var scale = parseFloat(root.dataset.scale);
  if (scale >= 0.8 && scale <= 1.6) root.style.setProperty("--reader-scale", String(scale));
})();
