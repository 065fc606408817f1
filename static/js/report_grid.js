// 月度填报 grid: live totals, inline checks in Chinese, keyboard movement (Tab across, Enter down),
// paste of a block of cells from Excel/WPS, filter and sort, and a question before unsaved input is lost.
// The server checks everything again; this only spares the user a round trip.
(function () {
  "use strict";

  // Unsaved input: leaving the page, switching month or unit, or following a link asks first.
  // The words shown to the user come from the page (a JSON script tag in its language); Chinese otherwise.
  var TEXTS = {};
  var textsTag = document.getElementById("report-script-texts");
  if (textsTag) {
    try { TEXTS = JSON.parse(textsTag.textContent) || {}; } catch (e) { TEXTS = {}; }
  }
  function t(key, fallback, values) {
    var text = typeof TEXTS[key] === "string" ? TEXTS[key] : fallback;
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(String(values[name])); });
    return text;
  }
  var LEAVE = t("leave", "本页有未保存的修改，离开后这些修改将丢失。确定离开吗？");
  var unsaved = false;
  var leaving = false;  // the user already agreed (or is saving): no second prompt
  function mayLeave() {
    if (!unsaved || leaving) return true;
    if (window.confirm(LEAVE)) {
      leaving = true;
      return true;
    }
    return false;
  }
  window.addEventListener("beforeunload", function (event) {
    if (unsaved && !leaving) {
      event.preventDefault();
      event.returnValue = LEAVE;
      return LEAVE;
    }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || link.target === "_blank" || link.getAttribute("href").charAt(0) === "#") return;
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (!mayLeave()) event.preventDefault();
  });

  // Month picker: one <select> of "year-month" feeding the hidden year/month fields.
  function remember(select) { select.dataset.was = select.value; }
  function switchTo(select, apply) {
    if (!mayLeave()) {
      select.value = select.dataset.was;
      return;
    }
    apply();
    select.form.submit();
  }
  var periodSelect = document.querySelector("[data-period-select]");
  if (periodSelect) {
    remember(periodSelect);
    periodSelect.addEventListener("change", function () {
      switchTo(periodSelect, function () {
        var parts = periodSelect.value.split("-");
        periodSelect.form.elements.year.value = parts[0];
        periodSelect.form.elements.month.value = parts[1];
      });
    });
  }
  var unitSelect = document.getElementById("pick-unit");
  if (unitSelect) {
    remember(unitSelect);
    unitSelect.addEventListener("change", function () { switchTo(unitSelect, function () {}); });
  }
  var periodForm = document.getElementById("period-form");
  if (periodForm) {
    periodForm.addEventListener("submit", function (event) {
      if (!mayLeave()) event.preventDefault();
    });
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
    if (Number.isNaN(c)) msg = t("investedInvalid", "本月完成投资须为数字（万元）");
    else if (c !== null && c < 0) msg = t("investedNegative", "本月完成投资不能为负数");
    else if (c !== null && decimals(invested.value) > 2) msg = t("investedDecimals", "本月完成投资最多保留两位小数（万元）");
    setError(invested, msg);
    if (msg) problems++;

    var progress = input(row, "image_progress");
    var needProgress = c !== null && !Number.isNaN(c) && c > 0 && progress && !progress.value.trim();
    setError(progress, needProgress ? t("progressRequired", "本月有完成投资时须填写形象进度") : "");
    if (needProgress) problems++;

    var pct = input(row, "percent_complete");
    if (pct) {
      var p = cents(pct.value);
      var bad = Number.isNaN(p) || (p !== null && (p < 0 || p > 10000));
      setError(pct, bad ? t("percentRange", "工程形象完成比例应在0到100之间") : "");
      if (bad) problems++;
    }

    var expl = input(row, "explanation");
    var over = c !== null && !Number.isNaN(c) && c > 0 && c > remaining;
    if (expl) {
      if (over || expl.value.trim()) expl.classList.remove("d-none");
      var missing = over && !expl.value.trim();
      setError(expl, missing ? t("explanationRequired", "超出剩余投资（剩余{remaining}万元），请填写超出说明", {remaining: money(remaining)}) : "");
      if (missing) problems++;
    }

    var start = input(row, "actual_start");
    if (start) {
      var needStart = c !== null && !Number.isNaN(c) && c > 0 && !start.value;
      setError(start, needStart ? t("startRequired", "前期项目首次填报投资即视为开工，请填写实际开工日期") : "");
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

  var unsavedNote = document.getElementById("unsaved-note");
  function markChanged(row, el) {
    row.dataset.changed = "1";
    unsaved = true;
    if (unsavedNote) unsavedNote.classList.remove("d-none");
    if (el && el.dataset.col && !el.dataset.edited) {
      // The server's message for this cell no longer applies to what is being typed.
      el.dataset.edited = "1";
      el.parentNode.querySelectorAll(".invalid-feedback:not(.js-check)").forEach(function (box) {
        box.remove();
      });
      el.classList.remove("is-invalid");
    }
  }

  table.addEventListener("input", function (event) {
    var row = event.target.closest("tr");
    if (!row || !row.dataset.pid) return;
    markChanged(row, event.target);
    checkRow(row);
    totals();
  });

  function shown(row) { return !row.classList.contains("filtered-out"); }

  // Enter moves to the same column in the next editable row shown (Shift+Enter: the row above);
  // it never submits the form by accident.
  table.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.dataset.col) return;
    event.preventDefault();
    var col = event.target.dataset.col;
    var row = event.target.closest("tr");
    var step = event.shiftKey ? "previousElementSibling" : "nextElementSibling";
    for (var next = row[step]; next; next = next[step]) {
      if (!shown(next)) continue;
      var target = next.querySelector('[data-col="' + col + '"]:not(.d-none)') || input(next, col);
      if (target) {
        target.classList.remove("d-none");
        target.focus();
        if (target.select) target.select();
        return;
      }
    }
  });

  // Paste from Excel/WPS: a block of cells (tabs between columns, new lines between rows) fills
  // the cells to the right and below, as in a spreadsheet. Amounts keep their thousands separators
  // and full-width digits: the server reads them as the ledger import does.
  var PASTE_COLS = ["invested", "image_progress", "percent_complete", "problems", "explanation"];
  function parseBlock(text) {
    // Excel quotes a cell that holds a tab, a new line or a quote ("a""b"); read those back.
    var out = [[]], cell = "", quoted = false, i = 0;
    text = text.replace(/\r\n?/g, "\n");
    while (i < text.length) {
      var ch = text.charAt(i);
      if (quoted) {
        if (ch === '"' && text.charAt(i + 1) === '"') { cell += '"'; i += 2; continue; }
        if (ch === '"') { quoted = false; i++; continue; }
        cell += ch; i++; continue;
      }
      if (ch === '"' && cell === "") { quoted = true; i++; continue; }
      if (ch === "\t") { out[out.length - 1].push(cell); cell = ""; i++; continue; }
      if (ch === "\n") { out[out.length - 1].push(cell); cell = ""; out.push([]); i++; continue; }
      cell += ch; i++;
    }
    out[out.length - 1].push(cell);
    // Excel ends a copied block with a new line: no empty last row.
    if (out.length > 1 && out[out.length - 1].length === 1 && out[out.length - 1][0] === "") out.pop();
    return out;
  }
  table.addEventListener("paste", function (event) {
    var start = event.target;
    var startCol = PASTE_COLS.indexOf(start.dataset.col);
    if (startCol < 0 || !event.clipboardData) return;
    var text = event.clipboardData.getData("text/plain");
    if (!/[\t\n\r]/.test(text.replace(/[\r\n]+$/, ""))) return;  // one cell: the browser pastes it
    event.preventDefault();
    var block = parseBlock(text);
    var row = start.closest("tr");
    var filled = 0, locked = 0, beyond = 0;
    var touched = [];
    block.forEach(function (cells, r) {
      while (row && !shown(row)) row = row.nextElementSibling;
      if (!row) { beyond++; return; }
      var any = false;
      cells.forEach(function (value, c) {
        var col = PASTE_COLS[startCol + c];
        if (!col) return;
        var el = input(row, col);
        if (!el) { locked++; return; }
        el.value = value.trim();
        if (col === "explanation" && el.value) el.classList.remove("d-none");
        markChanged(row, el);
        filled++;
        any = true;
      });
      if (any) touched.push(row);
      row = row.nextElementSibling;
    });
    touched.forEach(checkRow);
    totals();
    var note = t("pasted", "已粘贴 {n} 个单元格", {n: filled});
    if (locked) note += t("pastedLocked", "；{n} 个单元格属于已提交或已审核的项目，未填入", {n: locked});
    if (beyond) note += t("pastedBeyond", "；超出表格的 {n} 行未填入", {n: beyond});
    announce(note + t("pastedEnd", "。"));
  });

  // Filter by status and sort; the counts on the buttons stay in view above the table.
  var shownNote = document.getElementById("grid-shown");
  function announce(text) { if (shownNote) shownNote.textContent = text; }
  var filterBar = document.getElementById("grid-filter");
  var filter = "all";
  function applyFilter() {
    var n = 0;
    rows.forEach(function (row) {
      var hide = filter !== "all" && row.dataset.status !== filter;
      row.classList.toggle("filtered-out", hide);
      if (!hide) n++;
    });
    announce(filter === "all" ? "" : t("shown", "显示 {n} / {total} 项", {n: n, total: rows.length}));
  }
  if (filterBar) {
    filterBar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-filter]");
      if (!button) return;
      filter = button.dataset.filter;
      filterBar.querySelectorAll("[data-filter]").forEach(function (b) {
        b.classList.toggle("active", b === button);
        b.setAttribute("aria-pressed", b === button ? "true" : "false");
      });
      applyFilter();
    });
  }
  // ?status=returned (the start page's link): open the grid on those rows.
  var wanted = new URLSearchParams(window.location.search).get("status");
  if (filterBar && wanted) {
    var preset = filterBar.querySelector('[data-filter="' + wanted + '"]');
    if (preset) preset.click();
  }
  var sortSelect = document.getElementById("grid-sort");
  var original = rows.slice();
  function amountOf(row) {
    var el = input(row, "invested");
    var c = el ? cents(el.value) : cents(row.children[2].textContent);
    return c && !Number.isNaN(c) ? c : 0;
  }
  function rateOf(row) {
    // 完成率 as shown (live); rows without an annual plan sort last.
    var v = parseFloat(row.querySelector(".rate").textContent);
    return Number.isNaN(v) ? Infinity : v;
  }
  if (sortSelect) {
    sortSelect.addEventListener("change", function () {
      var how = sortSelect.value;
      var ordered = original.slice();
      if (how === "name") {
        ordered.sort(function (a, b) {
          return a.querySelector(".col-name a").textContent.localeCompare(b.querySelector(".col-name a").textContent, "zh-CN");
        });
      } else if (how === "amount") {
        ordered.sort(function (a, b) { return amountOf(b) - amountOf(a); });
      } else if (how === "lag") {
        ordered.sort(function (a, b) { return rateOf(a) - rateOf(b); });
      }
      var body = table.tBodies[0];
      ordered.forEach(function (row) { body.appendChild(row); });
      rows = ordered;
    });
  }

  // 全部提交 says how many rows are still 未填报 and which returned rows it leaves (unchanged since
  // they were returned: the server does not resubmit them either).
  var submitButton = document.getElementById("btn-submit");
  function submitQuestion() {
    var empty = 0, stale = 0;
    rows.forEach(function (row) {
      var el = input(row, "invested");
      if (row.dataset.status === "none" && !(el && el.value.trim())) empty++;
      if (row.dataset.returnedUnchanged && !row.dataset.changed) stale++;
    });
    var text = t("submitIntro", "提交后将进入审核，审核通过前不能修改。");
    if (empty) text += "\n" + t("submitEmpty", "还有 {n} 个项目未填报。", {n: empty});
    if (stale) text += "\n" + t("submitStale", "{n} 个已退回的项目自退回后未修改，将不会提交，请按退回原因修改。", {n: stale});
    return text + "\n" + t("submitConfirm", "确认提交本月全部进展？");
  }

  form.addEventListener("submit", function (event) {
    if (submitButton && event.submitter === submitButton) submitButton.dataset.confirm = submitQuestion();
    var problems = 0;
    rows.forEach(function (row) {
      if (row.dataset.changed || row.dataset.dirty) problems += checkRow(row);
    });
    if (problems) {
      event.preventDefault();
      event.stopPropagation(); // no confirm dialog for a submission that will not happen
      var first = table.querySelector(".is-invalid");
      if (first) first.focus();
      window.alert(t("problems", "有 {n} 处填报有误，请按红色提示修改后再保存。", {n: problems}));
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
    leaving = true;  // the input is on its way: no "unsaved" prompt for this navigation
  });

  rows.forEach(function (row) {
    if (row.dataset.dirty) {
      checkRow(row);
      unsaved = true;  // input sent back with errors is not saved yet
    }
  });
})();
