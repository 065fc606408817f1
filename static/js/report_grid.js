// 月度填报 grid: live totals, inline checks in Chinese, keyboard movement (Tab across, Enter down).
// The server checks everything again; this only spares the user a round trip.
(function () {
  "use strict";

  // Month picker: one <select> of "year-month" feeding the hidden year/month fields.
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
  var unitSelect = document.getElementById("pick-unit");
  if (unitSelect) {
    unitSelect.addEventListener("change", function () { unitSelect.form.submit(); });
  }

  var form = document.getElementById("report-grid-form");
  var table = document.getElementById("report-grid");
  if (!form || !table) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);

  // Amounts are read as the server reads them (projects/parsing.py): full-width digits and
  // punctuation, thousands separators and a 万元/万/亿元/亿 unit are accepted. A 元 amount or an
  // exponent is left to the server, which converts it.
  var UNIT = {"万元": 1, "万": 1, "亿元": 10000, "亿": 10000};
  function normalise(text) {
    return String(text).normalize("NFKC").replace(/\s+/g, "").replace(/,/g, "");
  }
  function decimals(text) {
    var m = /^-?\d+(?:\.(\d*))?(?:万元|万|亿元|亿)?$/.exec(normalise(text));
    return m && m[1] ? m[1].length : 0;
  }
  function cents(text) {
    // Money as integer cents so sums never drift (万元 with two decimals).
    if (text === undefined || text === null) return null;
    text = normalise(text);
    if (text === "") return null;
    var m = /^(-?\d+(?:\.\d*)?)(万元|万|亿元|亿)?$/.exec(text);
    if (!m) return NaN;
    return Math.round(parseFloat(m[1]) * 100 * (UNIT[m[2]] || 1));
  }
  function money(c) {
    var sign = c < 0 ? "-" : "";
    c = Math.abs(c);
    var whole = String(Math.floor(c / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + whole + "." + String(c % 100).padStart(2, "0");
  }
  function rate(ytd, plan) {
    // 完成率 as reporting/measures.py rounds it: percent, ROUND_HALF_UP to one decimal, computed in
    // exact integers (cents) so a tie such as 18.07 / 556.00 = 3.25% shows 3.3% here as on the server.
    if (!plan) return "—";
    var n = BigInt(ytd) * 1000n;
    var d = BigInt(plan);
    var tenths = (2n * n + d) / (2n * d);
    return String(tenths / 10n) + "." + String(tenths % 10n) + "%";
  }
  function input(row, col) {
    return row.querySelector('[data-col="' + col + '"]');
  }
  function setError(el, message) {
    if (!el) return;
    var box = el.parentNode.querySelector(".invalid-feedback.js-check");
    // The server's own message for this cell stands until the cell is edited.
    if (message && !el.dataset.edited && el.parentNode.querySelector(".invalid-feedback:not(.js-check)")) return;
    if (message) {
      el.classList.add("is-invalid");
      if (!box) {
        box = document.createElement("div");
        box.className = "invalid-feedback js-check";
        el.insertAdjacentElement("afterend", box);
      }
      box.textContent = message;
    } else if (box) {
      box.remove();
      if (!el.parentNode.querySelector(".invalid-feedback")) el.classList.remove("is-invalid");
    }
  }

  // Returns the number of problems found in the row.
  function checkRow(row) {
    var invested = input(row, "invested");
    if (!invested) return 0;
    var problems = 0;
    var c = cents(invested.value);
    var ytdBefore = cents(row.dataset.ytdBefore) || 0;
    var plan = cents(row.dataset.plan);
    var remaining = cents(row.dataset.remaining) || 0;
    var msg = "";
    if (Number.isNaN(c)) msg = "本月完成投资须为数字（万元）";
    else if (c !== null && c < 0) msg = "本月完成投资不能为负数";
    else if (c !== null && decimals(invested.value) > 2) msg = "本月完成投资最多保留两位小数（万元）";
    setError(invested, msg);
    if (msg) problems++;

    var progress = input(row, "image_progress");
    var needProgress = c !== null && !Number.isNaN(c) && c > 0 && progress && !progress.value.trim();
    setError(progress, needProgress ? "本月有完成投资时须填写形象进度" : "");
    if (needProgress) problems++;

    var pct = input(row, "percent_complete");
    if (pct) {
      var p = cents(pct.value);
      var bad = Number.isNaN(p) || (p !== null && (p < 0 || p > 10000));
      setError(pct, bad ? "工程形象完成比例应在0到100之间" : "");
      if (bad) problems++;
    }

    var expl = input(row, "explanation");
    var over = c !== null && !Number.isNaN(c) && c > 0 && c > remaining;
    if (expl) {
      if (over || expl.value.trim()) expl.classList.remove("d-none");
      var missing = over && !expl.value.trim();
      setError(expl, missing ? "超出剩余投资（剩余" + money(remaining) + "万元），请填写超出说明" : "");
      if (missing) problems++;
    }

    var start = input(row, "actual_start");
    if (start) {
      var needStart = c !== null && !Number.isNaN(c) && c > 0 && !start.value;
      setError(start, needStart ? "前期项目首次填报投资即视为开工，请填写实际开工日期" : "");
      if (needStart) problems++;
    }

    // An amount the row refuses counts as nothing in the live figures.
    var ytd = ytdBefore + (c && !msg ? c : 0);
    row.querySelector(".ytd").textContent = money(ytd);
    row.querySelector(".rate").textContent = rate(ytd, plan);
    return problems;
  }

  function totals() {
    // The working line: the unit's saved 1–N月 total without this month's rows, plus what is typed.
    var invested = 0;
    rows.forEach(function (row) {
      var el = input(row, "invested");
      var c = el ? cents(el.value) : cents(row.children[2].textContent);
      if (c && !Number.isNaN(c) && c > 0 && !(el && el.classList.contains("is-invalid"))) invested += c;
    });
    var totalYtd = document.getElementById("total-ytd");
    var ytd = (cents(totalYtd.dataset.base) || 0) + invested;
    var plan = cents(document.getElementById("total-plan").dataset.plan) || 0;
    document.getElementById("total-invested").textContent = money(invested);
    totalYtd.textContent = money(ytd);
    document.getElementById("total-rate").textContent = rate(ytd, plan);
  }

  table.addEventListener("input", function (event) {
    var row = event.target.closest("tr");
    if (!row || !row.dataset.pid) return;
    row.dataset.changed = "1";
    if (event.target.dataset.col && !event.target.dataset.edited) {
      // The server's message for this cell no longer applies to what is being typed.
      event.target.dataset.edited = "1";
      event.target.parentNode.querySelectorAll(".invalid-feedback:not(.js-check)").forEach(function (box) {
        box.remove();
      });
      event.target.classList.remove("is-invalid");
    }
    checkRow(row);
    totals();
  });

  // Enter moves to the same column in the next editable row (Shift+Enter: the row above);
  // it never submits the form by accident.
  table.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.dataset.col) return;
    event.preventDefault();
    var col = event.target.dataset.col;
    var row = event.target.closest("tr");
    var step = event.shiftKey ? "previousElementSibling" : "nextElementSibling";
    for (var next = row[step]; next; next = next[step]) {
      var target = next.querySelector('[data-col="' + col + '"]:not(.d-none)') || input(next, col);
      if (target) {
        target.classList.remove("d-none");
        target.focus();
        if (target.select) target.select();
        return;
      }
    }
  });

  form.addEventListener("submit", function (event) {
    var problems = 0;
    rows.forEach(function (row) {
      if (row.dataset.changed || row.dataset.dirty) problems += checkRow(row);
    });
    if (problems) {
      event.preventDefault();
      event.stopPropagation(); // no confirm dialog for a submission that will not happen
      var first = table.querySelector(".is-invalid");
      if (first) first.focus();
      window.alert("有 " + problems + " 处填报有误，请按红色提示修改后再保存。");
      return;
    }
  });

  // Only changed rows travel, packed into one field: a unit may fill hundreds of rows and the
  // server caps the number of form fields per request. Unchanged drafts are still submitted by
  // 全部提交 on the server. "formdata" fires only once the submission goes ahead (after any
  // confirm dialog); without JavaScript the plain fields are posted instead.
  form.addEventListener("formdata", function (event) {
    var packed = {};
    rows.forEach(function (row) {
      var send = row.dataset.changed || row.dataset.dirty;
      row.querySelectorAll("input[name]").forEach(function (el) {
        if (send) packed[el.name] = el.value;
        event.formData.delete(el.name);
      });
    });
    event.formData.set("rows_json", JSON.stringify(packed));
  });

  rows.forEach(function (row) { if (row.dataset.dirty) checkRow(row); });
})();
