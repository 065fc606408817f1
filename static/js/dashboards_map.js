/* Key projects over the areas' outlines, offline: ECharts geo with the stored GeoJSON, a scatter of
   the projects coloured by stage or by lag behind 时间进度. */
(function () {
  var node = document.getElementById("map-data");
  var el = document.getElementById("key-map");
  if (!node || !el || !window.echarts) return;
  var d = JSON.parse(node.textContent);
  var chart = echarts.init(el);
  var hasOutlines = d.outlines.features.length > 0;
  if (hasOutlines) echarts.registerMap("areas", d.outlines);
  function lagColour(gap) {
    if (gap == null) return "#95a5a6";
    if (gap >= 0) return "#27ae60";
    if (gap >= -10) return "#f39c12";
    if (gap >= -20) return "#e67e22";
    return "#c0392b";
  }
  function colour(p) { return d.colour === "lag" ? lagColour(p.gap) : (d.stage_colours[p.stage] || "#555"); }
  var groups = {};
  d.points.forEach(function (p) {
    var key = d.colour === "lag" ? (p.gap == null ? "无计划" : p.gap >= 0 ? "快于时间进度" : p.gap >= -10 ? "滞后10个百分点以内" : p.gap >= -20 ? "滞后10-20个百分点" : "滞后20个百分点以上") : p.stage_label;
    (groups[key] = groups[key] || []).push({ name: p.name, value: [p.lng, p.lat], p: p, itemStyle: { color: colour(p) } });
  });
  var order = ["快于时间进度", "滞后10个百分点以内", "滞后10-20个百分点", "滞后20个百分点以上", "无计划"];
  var keys = Object.keys(groups).sort(function (a, b) {
    var i = order.indexOf(a), j = order.indexOf(b);
    return (i < 0 ? 99 : i) - (j < 0 ? 99 : j) || a.localeCompare(b);
  });
  var series = keys.map(function (key) {
    return { name: key, type: "scatter", coordinateSystem: hasOutlines ? "geo" : "cartesian2d", symbolSize: 9, data: groups[key],
      itemStyle: { color: groups[key][0].itemStyle.color, borderColor: "#fff", borderWidth: 1 } };
  });
  var option = {
    tooltip: { trigger: "item", formatter: function (it) {
      if (!it.data || !it.data.p) return it.name;
      var p = it.data.p;
      return p.name + "<br>" + p.area + " · " + p.stage_label + "<br>完成率 " + (p.completion_rate == null ? "—" : p.completion_rate + "%") +
        "，较时间进度 " + (p.gap == null ? "—" : (p.gap > 0 ? "+" : "") + p.gap + " 个百分点");
    } },
    legend: { bottom: 5, type: "scroll" },
    series: series
  };
  if (hasOutlines) {
    option.geo = { map: "areas", roam: true, label: { show: true, color: "#555" },
      itemStyle: { areaColor: "#f8f4ee", borderColor: "#b08968" }, emphasis: { itemStyle: { areaColor: "#f1e3cf" } } };
  } else {
    option.xAxis = { scale: true, name: "经度" }; option.yAxis = { scale: true, name: "纬度" };
  }
  chart.setOption(option);
  chart.on("click", function (it) {
    if (it.data && it.data.p) window.location.href = d.detail.replace("/0/", "/" + it.data.p.id + "/");
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
