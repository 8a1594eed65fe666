// The take-home summary's Print button (CSP: scripts come from this server
// only, so no inline handler). Without scripts the button stays hidden and
// the browser's own Print menu still works.
const button = document.querySelector("[data-print]");
if (button) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
