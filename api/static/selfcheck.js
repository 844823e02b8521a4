// The little JavaScript of the self-check. The pages work without it; it only helps.
(function () {
  "use strict";

  // The year columns follow the application date until the firm edits a year itself.
  var applicationDate = document.getElementById("f-application_date");
  var yearInputs = Array.prototype.slice.call(document.querySelectorAll("input.year-input"));
  yearInputs.forEach(function (input) {
    input.addEventListener("input", function () { input.dataset.edited = "1"; });
  });
  if (applicationDate) {
    applicationDate.addEventListener("change", function () {
      var year = parseInt((applicationDate.value || "").slice(0, 4), 10);
      if (!year) { return; }
      var count = Math.min(yearInputs.length, 3);
      yearInputs.slice(0, count).forEach(function (input, index) {
        if (!input.dataset.edited) { input.value = String(year - count + index); }
      });
    });
  }

  // A field the server marked invalid is marked valid again once the firm changes it.
  Array.prototype.forEach.call(document.querySelectorAll("[aria-invalid=true]"), function (input) {
    input.addEventListener("input", function () {
      input.removeAttribute("aria-invalid");
      var box = input.closest(".has-error");
      if (box) { box.classList.remove("has-error"); }
    });
  });

  // Print (or save as PDF from the print dialog).
  var printButton = document.getElementById("print-button");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }
})();
