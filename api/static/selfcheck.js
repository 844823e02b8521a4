// The little JavaScript of the self-check. The pages work without it; it only helps.
(function () {
  "use strict";

  // The year columns follow the application date until the firm edits a year itself.
  var applicationDate = document.getElementById("f-application_date");
  var yearInputs = Array.prototype.slice.call(document.querySelectorAll("input.year-input"));
  // The ladder section's employee table shows the same years as headings.
  function mirrorYears() {
    Array.prototype.forEach.call(document.querySelectorAll(".year-mirror"), function (heading) {
      var input = yearInputs[parseInt(heading.dataset.column, 10)];
      if (input) { heading.textContent = input.value; }
    });
  }
  yearInputs.forEach(function (input) {
    input.addEventListener("input", function () { input.dataset.edited = "1"; mirrorYears(); });
  });
  if (applicationDate) {
    applicationDate.addEventListener("change", function () {
      var year = parseInt((applicationDate.value || "").slice(0, 4), 10);
      if (!year) { return; }
      var count = Math.min(yearInputs.length, 3);
      yearInputs.slice(0, count).forEach(function (input, index) {
        if (!input.dataset.edited) { input.value = String(year - count + index); }
      });
      mirrorYears();
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

  // Inline messages while typing, in the page's language, from the browser's own checks (required, not
  // negative, at most 4 decimals, whole counts, the credit code's 18 characters). The server checks again.
  var english = document.documentElement.lang === "en";
  var MESSAGES = {
    valueMissing: ["此项必填", "This field is required"],
    badInput: ["应为数字", "Must be a number"],
    rangeUnderflow: ["不得小于 {min}", "Must be at least {min}"],
    rangeOverflow: ["不得大于 {max}", "Must be at most {max}"],
    stepMismatch: ["金额、人数最多 4 位小数，件数应为整数", "At most 4 decimals for amounts and headcounts; counts are whole numbers"],
    patternMismatch: ["统一社会信用代码为 18 位数字或大写字母", "The credit code has 18 digits or capital letters"],
    tooShort: ["统一社会信用代码为 18 位", "The credit code has 18 characters"],
    typeMismatch: ["格式不正确", "Wrong format"]
  };
  function messageFor(input) {
    var validity = input.validity;
    for (var key in MESSAGES) {
      if (validity[key]) {
        return MESSAGES[key][english ? 1 : 0]
          .replace("{min}", input.getAttribute("min") || "")
          .replace("{max}", input.getAttribute("max") || "");
      }
    }
    return "";
  }
  function check(input) {
    var holder = input.parentNode;
    var note = holder.querySelector(".client-error");
    var message = messageFor(input);
    if (!note && !message) { return; }
    if (!note) {
      note = document.createElement("span");
      note.className = "field-error client-error";
      note.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = message;
  }
  var form = document.getElementById("selfcheck-form");
  if (form) {
    Array.prototype.forEach.call(form.querySelectorAll("input, select"), function (input) {
      input.addEventListener("blur", function () { check(input); });
      input.addEventListener("input", function () { if (input.parentNode.querySelector(".client-error")) { check(input); } });
      input.addEventListener("invalid", function () { check(input); });
    });
  }

  // Print (or save as PDF from the print dialog).
  var printButton = document.getElementById("print-button");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }
})();
