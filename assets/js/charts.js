// Chart.js, bundled on its own (static/dist/js/charts.js) so only pages with charts load it.
// A page marks a <canvas data-chart="<json_script id>"> and renders its data with
// {{ data|json_script:"<id>" }}; the JSON is Chart.js's own config ({type, data, options}).
import Chart from "chart.js/auto";

function drawCharts(root) {
  root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    if (canvas.dataset.chartDrawn) return;
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    canvas.dataset.chartDrawn = "1";
    const config = JSON.parse(source.textContent);
    config.options = { responsive: true, maintainAspectRatio: false, animation: false, ...(config.options || {}) };
    new Chart(canvas, config);
  });
}

document.addEventListener("DOMContentLoaded", () => drawCharts(document));
document.addEventListener("htmx:load", (event) => drawCharts(event.target));
