// 审核 page: tick rows to approve a selection; the button says how many are ticked.
(function () {
  "use strict";
  var table = document.getElementById("review-table");
  var button = document.getElementById("btn-approve-selected");
  if (!table || !button) return;
  var all = document.getElementById("select-all");
  var count = document.getElementById("selected-count");
  function boxes() { return Array.prototype.slice.call(table.querySelectorAll('input[name="report_ids"]')); }
  function refresh() {
    var ticked = boxes().filter(function (b) { return b.checked; }).length;
    count.textContent = ticked;
    button.disabled = ticked === 0;
    var tag = document.getElementById("report-script-texts");
    var text = "确认通过所勾选的 {n} 个项目的月度进展？";
    try { if (tag) text = JSON.parse(tag.textContent).approveSelected || text; } catch (e) { /* keep Chinese */ }
    button.dataset.confirm = text.split("{n}").join(String(ticked));
    if (all) {
      all.checked = ticked > 0 && ticked === boxes().length;
      all.indeterminate = ticked > 0 && ticked < boxes().length;
    }
  }
  table.addEventListener("change", function (event) {
    if (event.target === all) boxes().forEach(function (b) { b.checked = all.checked; });
    refresh();
  });
  refresh();
})();
