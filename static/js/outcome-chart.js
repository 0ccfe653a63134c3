// Draws the reactions to a perk's campaign posts by day, with Chart.js.
(function () {
  "use strict";
  var canvas = document.getElementById("outcome-chart");
  var source = document.getElementById("outcome-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var primary = getComputedStyle(document.documentElement).getPropertyValue("--pico-primary").trim() || "#2f5bd3";
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: "Reactions", data: data.values, backgroundColor: primary, maxBarThickness: 48 }] },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 8, maxRotation: 0 } } },
      plugins: { legend: { display: false } }
    }
  });
})();
