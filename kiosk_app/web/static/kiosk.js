// Kiosk behaviour: NHS.UK components, the inactivity timer, and the live BP gauge.
// Everything here is an enhancement: every page also works with no script.
import { initAll } from "/static/nhsuk/nhsuk-frontend.min.js";

initAll();

// A page restored from the back/forward cache must not show an earlier
// resident's answers: ask the server again (it redirects if the check ended).
window.addEventListener("pageshow", (event) => {
  if (event.persisted) window.location.reload();
});

function startInactivityTimer(root) {
  const timeoutMs = Number(root.dataset.timeoutS) * 1000;
  const warningMs = Number(root.dataset.warningS) * 1000;
  const count = root.querySelector("[data-count]");
  const fill = root.querySelector("[data-fill]");
  const stillHere = root.querySelector("[data-still-here]");
  const endForm = document.getElementById("v5-timeout-end");
  const keepaliveUrl = root.dataset.keepaliveUrl;
  let lastActivity = Date.now();
  let lastPing = Date.now();

  // Tell the server the resident is still here, at most every 20 s, so its
  // own back-stop expiry does not fire while someone is reading a page.
  function ping() {
    if (!keepaliveUrl || Date.now() - lastPing < 20000) return;
    lastPing = Date.now();
    fetch(keepaliveUrl, { method: "POST", credentials: "same-origin", redirect: "manual" })
      .then((r) => { if (r.type === "opaqueredirect" || r.status >= 400) window.location.assign("/?cleared=expired"); })
      .catch(() => {});
  }

  function activity() {
    // While the warning shows, only "I'm still here" dismisses it: a tap that
    // closed it on touch-down would let the same tap's click fall through to
    // whatever control lies under the button.
    if (!root.hidden) return;
    lastActivity = Date.now();
    ping();
  }

  for (const type of ["pointerdown", "keydown", "input", "scroll", "touchstart"]) {
    window.addEventListener(type, activity, { passive: true, capture: true });
  }
  stillHere.addEventListener("click", () => {
    root.hidden = true;
    lastPing = 0;
    activity();
  });

  function tick() {
    const idle = Date.now() - lastActivity;
    const left = timeoutMs - idle;
    if (left <= 0) {
      endForm.submit();
      return;
    }
    if (left <= warningMs) {
      if (root.hidden) {
        root.hidden = false;
        stillHere.focus();
      }
      count.textContent = String(Math.ceil(left / 1000));
      fill.style.width = `${(100 * left) / warningMs}%`;
    }
    window.setTimeout(tick, 250);
  }
  tick();
}

function startLiveGauge(form) {
  const gauge = document.getElementById("v5-gauge");
  const value = gauge.querySelector("[data-pressure]");
  const bar = gauge.querySelector("[data-pressure-bar]");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    form.hidden = true;
    gauge.hidden = false;
    const source = new EventSource(form.dataset.liveUrl);
    source.addEventListener("pressure", (e) => {
      value.textContent = e.data;
      bar.style.width = `${Math.min(100, (100 * Number(e.data)) / 300)}%`;
    });
    source.addEventListener("done", (e) => { source.close(); window.location.assign(e.data); });
    source.addEventListener("failed", (e) => { source.close(); window.location.assign(JSON.parse(e.data).url); });
    source.onerror = () => { source.close(); window.location.assign("/blood-pressure?failed=disconnected"); };
  });
}

const timer = document.getElementById("v5-timeout");
if (timer) startInactivityTimer(timer);
const measure = document.getElementById("v5-measure");
if (measure) startLiveGauge(measure);
