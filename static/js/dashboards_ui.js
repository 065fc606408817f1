/* Small behaviours of the dashboard pages, without inline script (Content-Security-Policy):
   a month picker <select data-period-picker> whose value "2026-10" fills the form's year and month
   (and submits it with data-autosubmit-period). A print button [data-print] is portal.js's. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches("select[data-period-picker]")) return;
    var parts = select.value.split("-");
    select.form.year.value = parts[0];
    select.form.month.value = parts[1];
    if (select.hasAttribute("data-autosubmit-period")) select.form.submit();
  });
})();
