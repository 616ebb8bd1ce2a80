// Training: print buttons (the printable certificate); no inline handlers under CSP.
export function enableTrainingPrint() {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-print]");
    if (!button) return;
    event.preventDefault();
    window.print();
  });
}
