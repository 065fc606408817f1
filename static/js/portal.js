// 项目建设攻坚平台: small behaviours without a framework.
(function () {
  "use strict";

  // <form data-confirm="确定删除？"> or <button data-confirm="…">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // <a data-confirm="…">: same for links.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-confirm]");
    if (link && !window.confirm(link.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // <select data-autosubmit>: submit the form as soon as the choice changes (page size etc.).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) {
      event.target.form.submit();
    }
  });

  // Live sum of the funding breakdown on the project form, so the user sees a mismatch before saving.
  // Only on the form: the dossier marks its (read-only) total the same way, without inputs.
  var total = document.querySelector("[data-funding-total]");
  if (total && total.querySelector("input") && document.querySelector("[data-funding-sum]")) {
    var parts = Array.prototype.slice.call(document.querySelectorAll("[data-funding-part] input"));
    var out = document.querySelector("[data-funding-sum]");
    var cents = function (input) {
      var v = parseFloat(input.value);
      return isNaN(v) ? 0 : Math.round(v * 100);
    };
    var refresh = function () {
      var sum = parts.reduce(function (acc, input) { return acc + cents(input); }, 0);
      var expected = cents(total.querySelector("input"));
      out.textContent = (sum / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      out.classList.toggle("text-danger", sum !== expected);
      out.classList.toggle("text-success", sum === expected);
    };
    parts.concat([total.querySelector("input")]).forEach(function (input) {
      input.addEventListener("input", refresh);
    });
    refresh();
  }
})();

/* A print button on any page: <button type="button" data-print> (no inline script: CSP). */
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});
