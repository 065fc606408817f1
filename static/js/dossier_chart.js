// The dossier's month-by-month chart (一项一档): bars for each month, the year's running total and the
// annual plan, from the JSON the page carries in #report-chart-data. No inline script (CSP).
(function () {
  "use strict";
  var el = document.getElementById("report-chart");
  var source = document.getElementById("report-chart-data");
  if (!el || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var names = data.names;  // in the reader's language, from reporting.selectors.pages.dossier
  var chart = window.echarts.init(el);
  chart.setOption({
    animation: false,
    tooltip: {trigger: "axis"},
    legend: {top: 0, data: [names.invested, names.ytd, names.plan]},
    grid: {left: 60, right: 20, top: 48, bottom: 30},
    xAxis: {type: "category", data: data.labels},
    yAxis: {type: "value", name: names.unit},
    series: [
      {name: names.invested, type: "bar", data: data.invested, itemStyle: {color: "#b3261e"}},
      {name: names.ytd, type: "line", data: data.ytd, smooth: false, itemStyle: {color: "#0d6efd"}},
      {name: names.plan, type: "line", data: data.plan, step: "end", symbol: "none", lineStyle: {type: "dashed", color: "#6c757d"}, itemStyle: {color: "#6c757d"}}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
