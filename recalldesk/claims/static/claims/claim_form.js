// The confirmation page's "Copy" button; without JavaScript the number is selectable on a tap.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-copy]")) {
    const target = document.getElementById(button.dataset.copy);
    const done = button.nextElementSibling;
    if (!target || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(target.textContent.trim());
        if (done) done.textContent = "Copied";
      } catch {
        if (done) done.textContent = "Select the number and copy it";
      }
    });
  }
});
