// Copy text to the clipboard, also where the Clipboard API is missing: it needs a secure
// context, and an intranet server on plain http has none.
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
}
