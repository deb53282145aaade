// "Shared links": the Copy button beside each link's address.

import { copyText } from "./clipboard.js";

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-from]");
  if (!button) return;
  const input = document.getElementById(button.dataset.copyFrom);
  input.select();
  await copyText(input.value);
  const label = button.textContent;
  button.textContent = "Copied";
  window.setTimeout(() => {
    button.textContent = label;
  }, 2000);
});
