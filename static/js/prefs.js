// The header's controls. Theme toggle and text-size control: remembered in localStorage,
// and for a signed-in person also on the server (`data-reading-url`), so the choice follows
// them to their other browsers; prefs-init.js applies it before the first paint. Without
// JavaScript the page shows the server's choice (or the system theme at the default
// size), and the controls stay hidden because they could not work. The phone menu: on a
// narrow screen the links and tools fold behind "Menu" (CSS, under html.js); this opens it.
const root = document.documentElement;
const STEP = 0.1;
const MIN = 0.8;
const MAX = 1.6;
// Whose change has not reached the server yet (their id): prefs-init.js then trusts
// localStorage for them, and only them (another person may sign in on this browser).
const UNSYNCED = "newsroom-prefs-unsynced";
const account = root.dataset.accountPrefs || "";

function store(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}

function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  } catch {
    return "";
  }
}

function currentTheme() {
  if (root.dataset.theme) return root.dataset.theme;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

function showTheme(button) {
  const theme = currentTheme();
  const next = theme === "dark" ? "light" : "dark";
  // The label says what a press does (its name starts with it), so no pressed state.
  button.title = `Switch to the ${next} theme`;
  button.querySelector(".theme-label").textContent = theme === "dark" ? "Light" : "Dark";
}

function scale() {
  const value = parseFloat(getComputedStyle(root).getPropertyValue("--reader-scale"));
  return Number.isFinite(value) ? value : 1;
}

// Changes go to the server one after another, so the last press is the one kept; the
// request outlives a reload (keepalive). Only when none is left is the change settled.
// Once the page is being left, the next one may already be drawn from the server's
// answer of before: the change stays marked, and the next page sends it again.
let queue = Promise.resolve();
let waiting = 0;
let leaving = false;
window.addEventListener("beforeunload", () => {
  leaving = true;
});
window.addEventListener("pageshow", () => {
  leaving = false; // back from the back/forward cache
});

function send(url, values) {
  store(UNSYNCED, account);
  waiting += 1;
  const post = () =>
    fetch(url, {
      method: "POST",
      body: new URLSearchParams(values),
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
      keepalive: true,
    }).then((response) => response.status < 500); // a refusal will not change: settled
  queue = queue
    .then(post)
    .catch(() => false) // offline: try again on the next page
    .then((settled) => {
      waiting -= 1;
      if (settled && waiting === 0 && !leaving) store(UNSYNCED, null);
    });
}

for (const prefs of document.querySelectorAll("[data-prefs]")) {
  const url = prefs.dataset.readingUrl;
  const sync = (values) => {
    if (url && account) send(url, values);
  };
  prefs.hidden = false;
  const themeButton = prefs.querySelector('[data-action="theme"]');
  showTheme(themeButton);
  themeButton.addEventListener("click", () => {
    const next = currentTheme() === "dark" ? "light" : "dark";
    root.dataset.theme = next;
    store("newsroom-theme", next);
    showTheme(themeButton);
    sync({ theme: next });
  });
  const setScale = (value) => {
    const clamped = Math.min(MAX, Math.max(MIN, Math.round(value * 10) / 10));
    root.dataset.scale = String(clamped);
    root.style.setProperty("--reader-scale", String(clamped));
    store("newsroom-scale", String(clamped));
    sync({ text_scale: clamped.toFixed(1) });
  };
  prefs.querySelector('[data-action="font-smaller"]').addEventListener("click", () => setScale(scale() - STEP));
  prefs.querySelector('[data-action="font-larger"]').addEventListener("click", () => setScale(scale() + STEP));
  // A change the server never confirmed (offline, or the page reloaded first): send it now.
  if (url && account && stored(UNSYNCED) === account) {
    const theme = stored("newsroom-theme");
    sync({ theme: theme === "light" || theme === "dark" ? theme : "", text_scale: scale().toFixed(1) });
  }
}

// The settings page's reading form says what the person wants now, whatever is unsynced.
for (const form of document.querySelectorAll("[data-reading-form]")) {
  form.addEventListener("submit", () => store(UNSYNCED, null));
}

for (const header of document.querySelectorAll(".site-header[data-menu]")) {
  const button = header.querySelector("[data-menu-button]");
  const setOpen = (open) => {
    header.classList.toggle("menu-open", open);
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", () => setOpen(!header.classList.contains("menu-open")));
  header.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !header.classList.contains("menu-open")) return;
    setOpen(false);
    button.focus();
  });
  document.addEventListener("click", (event) => {
    if (!header.contains(event.target)) setOpen(false);
  });
}
