/* The dashboard's charts (ECharts, vendored): completion vs 时间进度 by month, the start/resume
   gauges and the county bars. Numbers come from the page (json_script "dash-chart"). */
(function () {
  var node = document.getElementById("dash-chart");
  if (!node || !window.echarts) return;
  var d = JSON.parse(node.textContent);
  var charts = [];
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }
  draw("chart-series", {
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
    legend: { data: ["完成率", "时间进度"], top: 0, left: "center" },
    grid: { left: 45, right: 20, top: 36, bottom: 30 },
    xAxis: { type: "category", data: d.months },
    yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    series: [
      { name: "完成率", type: "line", data: d.rate, smooth: true, itemStyle: { color: "#c0392b" }, label: { show: true, formatter: "{c}%" } },
      { name: "时间进度", type: "line", data: d.time, lineStyle: { type: "dashed" }, itemStyle: { color: "#7f8c8d" } }
    ]
  });
  function gauge(name, value, center) {
    return {
      type: "gauge", center: center, radius: "70%", min: 0, max: 100, startAngle: 210, endAngle: -30,
      progress: { show: true, width: 10 }, axisLine: { lineStyle: { width: 10 } }, axisTick: { show: false },
      splitLine: { show: false }, axisLabel: { show: false }, pointer: { show: false },
      title: { offsetCenter: [0, "70%"], fontSize: 13 },
      detail: { valueAnimation: false, offsetCenter: [0, "5%"], fontSize: 18, formatter: function (v) { return value == null ? "—" : v + "%"; } },
      data: [{ value: value == null ? 0 : value, name: name }]
    };
  }
  draw("chart-gauges", {
    series: [
      gauge("开工率", d.start_rate, ["18%", "55%"]),
      gauge("复工率", d.resume_rate, ["50%", "55%"]),
      gauge("开复工率", d.start_resume_rate, ["82%", "55%"])
    ]
  });
  var bars = draw("chart-areas", {
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
    grid: { left: 40, right: 90, top: 30, bottom: 50 },
    xAxis: { type: "category", data: d.areas, axisLabel: { interval: 0, rotate: 20 } },
    yAxis: { type: "value", axisLabel: { formatter: "{value}%" },
      max: function (v) { return Math.ceil(Math.max(v.max, d.time_progress || 0) / 10) * 10 + 10; } },
    series: [{
      type: "bar", data: d.area_rate, label: { show: true, position: "top", formatter: "{c}%" },
      itemStyle: { color: function (p) { return p.value >= d.time_progress ? "#27ae60" : "#c0392b"; } },
      markLine: { symbol: "none", data: [{ yAxis: d.time_progress, name: "时间进度" }], label: { formatter: "时间进度 {c}%" }, lineStyle: { type: "dashed", color: "#7f8c8d" } }
    }]
  });
  if (bars) {
    bars.on("click", function (p) {
      var id = d.area_ids[p.dataIndex];
      if (id) window.location.href = "/dashboards/areas/" + id + "/" + window.location.search;
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
