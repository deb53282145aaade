// The header's controls. Theme toggle and text-size control: both are remembered in
// localStorage; without JavaScript the page follows the system theme at the default size,
// and the controls stay hidden because they could not work. The phone menu: on a narrow
// screen the links and tools fold behind "Menu" (CSS, under html.js); this opens it.
const root = document.documentElement;
const STEP = 0.1;
const MIN = 0.8;
const MAX = 1.6;

function store(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* private mode: the choice lasts for this page only */
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

function setScale(value) {
  const clamped = Math.min(MAX, Math.max(MIN, Math.round(value * 10) / 10));
  root.style.setProperty("--reader-scale", String(clamped));
  store("newsroom-scale", String(clamped));
}

for (const prefs of document.querySelectorAll("[data-prefs]")) {
  prefs.hidden = false;
  const themeButton = prefs.querySelector('[data-action="theme"]');
  showTheme(themeButton);
  themeButton.addEventListener("click", () => {
    const next = currentTheme() === "dark" ? "light" : "dark";
    root.dataset.theme = next;
    store("newsroom-theme", next);
    showTheme(themeButton);
  });
  prefs.querySelector('[data-action="font-smaller"]').addEventListener("click", () => setScale(scale() - STEP));
  prefs.querySelector('[data-action="font-larger"]').addEventListener("click", () => setScale(scale() + STEP));
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
