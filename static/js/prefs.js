// Theme toggle and text-size control. Both are remembered in localStorage; without
// JavaScript the page follows the system theme at the default size, and the controls stay
// hidden because they could not work.
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
  button.setAttribute("aria-pressed", String(theme === "dark"));
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
