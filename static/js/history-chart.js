// Draws the score history with Chart.js; the range buttons switch between 90 days and a year.
(function () {
  "use strict";
  var canvas = document.getElementById("history-chart");
  var source = document.getElementById("history-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  var points = JSON.parse(source.textContent);
  var primary = getComputedStyle(document.documentElement).getPropertyValue("--pico-primary").trim() || "#2f5bd3";

  function since(days) {
    var cutoff = new Date();
    cutoff.setUTCDate(cutoff.getUTCDate() - days);
    var iso = cutoff.toISOString().slice(0, 10);
    return points.filter(function (p) { return p.day >= iso; });
  }

  // A dashed line on each day the scoring model changed (the point's model differs from the
  // one before it): scores on either side were computed by different models.
  var modelChanges = {
    id: "modelChanges",
    afterDatasetsDraw: function (chart) {
      var shown = chart.$shown || [];
      var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      for (var i = 1; i < shown.length; i++) {
        if (!shown[i].model || !shown[i - 1].model || shown[i].model === shown[i - 1].model) continue;
        var left = x.getPixelForValue(i);
        ctx.save();
        ctx.strokeStyle = "#6b7280";
        ctx.setLineDash([4, 4]);
        ctx.beginPath();
        ctx.moveTo(left, area.top);
        ctx.lineTo(left, area.bottom);
        ctx.stroke();
        ctx.restore();
      }
    }
  };

  var chart = new Chart(canvas, {
    plugins: [modelChanges],
    type: "line",
    data: { labels: [], datasets: [{ label: "Klout score", data: [], borderColor: primary,
      backgroundColor: primary + "22", fill: true, pointRadius: 0, pointHitRadius: 8, tension: 0.25 }] },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: { y: { suggestedMin: 0, suggestedMax: 100, ticks: { stepSize: 20 } },
                x: { ticks: { maxTicksLimit: 6, maxRotation: 0 } } },
      plugins: { legend: { display: false } }
    }
  });

  function show(days) {
    var shown = since(days);
    chart.$shown = shown;
    chart.data.labels = shown.map(function (p) { return p.day; });
    chart.data.datasets[0].data = shown.map(function (p) { return p.score; });
    chart.update();
    canvas.dataset.points = String(shown.length);
    document.querySelectorAll("[data-range]").forEach(function (button) {
      var active = Number(button.dataset.range) === days;
      button.setAttribute("aria-pressed", active ? "true" : "false");
      button.classList.toggle("secondary", !active);
    });
  }

  document.querySelectorAll("[data-range]").forEach(function (button) {
    button.addEventListener("click", function () { show(Number(button.dataset.range)); });
  });
  show(90);
})();
