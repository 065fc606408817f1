// 入库纳统 pages: the month picker, "select all", and the export job's progress bar.
(function () {
  "use strict";

  var periodSelect = document.querySelector("[data-period-select]");
  if (periodSelect) {
    periodSelect.addEventListener("change", function () {
      var parts = periodSelect.value.split("-");
      var form = periodSelect.form;
      form.elements.year.value = parts[0];
      form.elements.month.value = parts[1];
      form.submit();
    });
  }

  document.querySelectorAll("[data-check-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll("#screening-table input[name=ids]").forEach(function (c) {
        c.checked = box.checked;
      });
    });
  });

  // <div data-job-url="…?format=json">: poll the job once a second until it is done or failed.
  var job = document.querySelector("[data-job-url]");
  if (job) {
    var bar = job.querySelector(".progress-bar");
    var label = job.querySelector("[data-job-label]");
    var link = document.querySelector("[data-job-download]");
    var poll = function () {
      fetch(job.dataset.jobUrl, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (state) {
          bar.style.width = state.percent + "%";
          bar.setAttribute("aria-valuenow", state.percent);
          label.textContent = state.status === "done" ? "已完成" : state.status === "failed" ? "生成失败：" + state.error : "已生成 " + state.done + " / " + (state.total || "…") + " 行";
          if (state.status === "done" && state.download) {
            link.href = state.download;
            link.classList.remove("d-none");
          } else if (state.status !== "failed") {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    poll();
  }
})();
