// Community Canvas: the print button of the printable export (no inline handlers under CSP).
export function enableCanvasPrint() {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-canvas-print]");
    if (!button) return;
    event.preventDefault();
    window.print();
  });
}
