// The countdown of an exam attempt. The server enforces the deadline; this only shows the time
// left and submits the answers a few seconds before the end so nothing typed is lost.
const SUBMIT_BEFORE_MS = 5000;

function format(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

export function enableExamTimer() {
  const clock = document.querySelector("[data-countdown][data-deadline]");
  if (!clock) return;
  const deadline = Date.parse(clock.dataset.deadline);
  if (Number.isNaN(deadline)) return;
  const form = document.getElementById("attempt-form");
  let submitted = false;
  if (form) form.addEventListener("submit", () => { submitted = true; });
  const tick = () => {
    const left = deadline - Date.now();
    clock.textContent = format(left);
    if (left <= SUBMIT_BEFORE_MS && form && !submitted) {
      submitted = true;
      const button = document.getElementById("submit-attempt");
      form.requestSubmit(button || undefined);
      return;
    }
    if (left > 0) window.setTimeout(tick, 1000);
  };
  tick();
}
