// The little JavaScript of the self-check. The pages work without it; it only helps. (The CSP allows no
// inline script: everything is here.)
(function () {
  "use strict";

  var english = document.documentElement.lang === "en";
  // Messages carry both languages, the page's first: a firm may forward the page to its accountant.
  function both(pair, values) {
    var zh = pair[0], en = pair[1];
    Object.keys(values || {}).forEach(function (key) {
      zh = zh.split("{" + key + "}").join(values[key]);
      en = en.split("{" + key + "}").join(values[key]);
    });
    return english ? en + " / " + zh : zh + " / " + en;
  }

  // --- the year table ------------------------------------------------------------------------------
  var form = document.getElementById("selfcheck-form");
  var applicationDate = document.getElementById("f-application_date");
  var yearInputs = Array.prototype.slice.call(document.querySelectorAll("input.year-input"));

  function yearOf(input) {
    var value = parseInt((input && input.value || "").trim(), 10);
    return isNaN(value) ? null : value;
  }
  // Every figure input of a year column (the HNTE table and the ladder's employees table).
  function figuresOf(column) {
    return Array.prototype.slice.call(document.querySelectorAll("[name^='years[" + column + "].']"))
      .filter(function (input) { return !input.classList.contains("year-input"); });
  }
  function hasFigures(column) {
    return figuresOf(column).some(function (input) { return input.value.trim() !== ""; });
  }
  // The ladder's employee table and the phone layout's per-cell tags show the same years as the headings.
  function mirrorYears() {
    Array.prototype.forEach.call(document.querySelectorAll(".year-mirror, .year-tag"), function (label) {
      var input = yearInputs[parseInt(label.dataset.column, 10)];
      if (input) { label.textContent = input.value; }
    });
  }
  function windowYears() {
    var year = parseInt(((applicationDate && applicationDate.value) || "").slice(0, 4), 10);
    return year ? [year - 3, year - 2, year - 1] : null;
  }

  // Changing the application date moves the window of assessed years. Figures already typed belong to
  // the year at the head of their column: they are never moved to another year. Only the headings of
  // empty columns follow the date; when typed figures fall outside the new window, a warning says so.
  var dateWarning = document.getElementById("date-warning");
  function showDateWarning() {
    if (!dateWarning) { return; }
    var wanted = windowYears();
    var filled = [];
    yearInputs.forEach(function (input, column) {
      var year = yearOf(input);
      if (year !== null && hasFigures(column)) { filled.push(year); }
    });
    var outside = wanted ? filled.filter(function (y) { return wanted.indexOf(y) < 0; }) : [];
    if (!wanted || !outside.length) {
      dateWarning.hidden = true;
      dateWarning.textContent = "";
      return;
    }
    var missing = wanted.filter(function (y) { return filled.indexOf(y) < 0; });
    var text = both([
      "申报日期为 {date}，考察的会计年度为 {window}。已填数据仍按表头年度保存，没有移到其他年度：{outside} 年的数据不在考察范围内，诊断时将被忽略{missing}。如这些数据其实属于其他年度，请修改表头中的年度。",
      "With the application date {date}, the assessed years are {window}. Figures stay with the year at the head of their column and were not moved: those of {outside} lie outside the window and will be ignored{missing_en}. If they belong to other years, change the year at the head of the column."
    ], {
      date: applicationDate.value,
      window: wanted.join("–").replace(/–\d+–/, "–"),
      outside: outside.join(english ? ", " : "、"),
      missing: missing.length ? "；" + missing.join("、") + " 年尚无数据" : "",
      missing_en: missing.length ? "; there are no figures yet for " + missing.join(", ") : ""
    });
    dateWarning.textContent = text;
    dateWarning.hidden = false;
  }
  yearInputs.forEach(function (input) {
    input.addEventListener("input", function () { input.dataset.edited = "1"; mirrorYears(); showDateWarning(); });
  });
  if (applicationDate) {
    applicationDate.addEventListener("change", function () {
      var wanted = windowYears();
      if (!wanted) { return; }
      var anyFigures = yearInputs.some(function (input, column) { return hasFigures(column); });
      if (!anyFigures) {
        // nothing typed yet: the headings simply follow the date (unless the firm set them itself)
        yearInputs.slice(0, 3).forEach(function (input, index) {
          if (!input.dataset.edited) { input.value = String(wanted[index]); }
        });
      }
      mirrorYears();
      showDateWarning();
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("[name^='years[']"), function (input) {
    if (!input.classList.contains("year-input")) { input.addEventListener("change", showDateWarning); }
  });

  // --- checks while typing ------------------------------------------------------------------------
  // A field the server marked invalid is marked valid again once the firm changes it.
  Array.prototype.forEach.call(document.querySelectorAll("[aria-invalid=true]"), function (input) {
    input.addEventListener("input", function () {
      input.removeAttribute("aria-invalid");
      var box = input.closest(".has-error");
      if (box) { box.classList.remove("has-error"); }
    });
  });

  // Figures are text inputs (a number input throws away letters without a word): what was typed stays,
  // and is checked here; the server checks again and keeps the text too.
  var NUMBER_MESSAGES = {
    notNumber: ["应为数字：“{value}” 不是数字（可用千分位逗号）", "Must be a number: “{value}” is not one (thousands commas are fine)"],
    negative: ["不得小于 0", "Must be at least 0"],
    whole: ["应为整数", "Must be a whole number"],
    decimals: ["最多 4 位小数", "At most 4 decimals"],
    year: ["年度应在 1900–2200 之间", "The year must be between 1900 and 2200"]
  };
  function numberProblem(input) {
    var raw = input.value.trim();
    if (!raw) { return null; }
    var text = raw.replace(/[,，\s]/g, "");
    var kind = input.dataset.kind;
    if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) { return "notNumber"; }
    var value = Number(text);
    if (value < 0 && kind !== "signed_money") { return "negative"; }
    if ((kind === "count" || kind === "year") && !/^[-+]?\d+(\.0*)?$/.test(text)) { return "whole"; }
    var decimals = (text.split(".")[1] || "").length;
    if (decimals > 4) { return "decimals"; }
    if (kind === "year" && (value < 1900 || value > 2200)) { return "year"; }
    return null;
  }
  function checkNumber(input) {
    var problem = numberProblem(input);
    input.setCustomValidity(problem ? both(NUMBER_MESSAGES[problem], { value: input.value.trim() }) : "");
    if (problem) { input.setAttribute("aria-invalid", "true"); } else if (!input.closest(".has-error")) { input.removeAttribute("aria-invalid"); }
  }

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
    if (validity.customError) { return input.validationMessage; }
    for (var key in MESSAGES) {
      if (validity[key]) {
        return both(MESSAGES[key], { min: input.getAttribute("min") || "", max: input.getAttribute("max") || "" });
      }
    }
    return "";
  }
  function note(input, className) {
    var holder = input.parentNode;
    var found = holder.querySelector("." + className);
    if (!found) {
      found = document.createElement("span");
      found.className = "field-error " + className;
      found.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", found);
    }
    return found;
  }
  function check(input) {
    if (input.dataset.kind) { checkNumber(input); }
    var message = messageFor(input);
    var existing = input.parentNode.querySelector(".client-error");
    if (!existing && !message) { return; }
    note(input, "client-error").textContent = message;
  }

  // --- the latest year's required figures -----------------------------------------------------------
  // Total revenue and staff of the latest assessed year decide two criteria: blank, those criteria can
  // only be "unknown". The form says so next to the input, and the first "Assess" with such a blank asks
  // for a second press rather than sending it silently.
  var latestSummary = document.getElementById("latest-year-summary");
  function latestColumn() {
    var wanted = windowYears();
    var best = null, bestYear = null;
    yearInputs.forEach(function (input, column) {
      var year = yearOf(input);
      if (year === null || (wanted && wanted.indexOf(year) < 0)) { return; }
      if (bestYear === null || year > bestYear) { best = column; bestYear = year; }
    });
    return best === null ? null : { column: best, year: bestYear };
  }
  // While typing, the hints show once the latest year's column holds a figure (a firm filling the table
  // from the left is not told off early); on "Assess", as soon as the table holds any figure.
  function missingLatest(sending) {
    var latest = latestColumn();
    var anyFigures = latest && (sending
      ? yearInputs.some(function (input, column) { return hasFigures(column); })
      : hasFigures(latest.column));
    Array.prototype.forEach.call(document.querySelectorAll(".latest-hint"), function (hint) { hint.textContent = ""; hint.hidden = true; });
    if (!latest || !anyFigures) { return []; }
    var missing = [];
    Array.prototype.forEach.call(document.querySelectorAll("[data-latest-required][name^='years[" + latest.column + "].']"), function (input) {
      if (input.value.trim() !== "") { return; }
      var hint = note(input, "latest-hint");
      hint.hidden = false;
      hint.textContent = both(["最近一年（{year}）必填：留空则相关条件只能显示为“待定”", "Needed for the latest year ({year}): left blank, the conditions using it can only show as unknown"], { year: latest.year });
      missing.push(input);
    });
    return missing;
  }
  var confirmedBlank = false;

  if (form) {
    Array.prototype.forEach.call(form.querySelectorAll("input, select"), function (input) {
      input.addEventListener("blur", function () {
        check(input);
        if (input.name.indexOf("years[") === 0 || input === applicationDate) { missingLatest(false); }
      });
      input.addEventListener("input", function () {
        if (input.dataset.kind) { checkNumber(input); }
        if (input.parentNode.querySelector(".client-error")) { check(input); }
      });
      input.addEventListener("invalid", function () { check(input); });
    });
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.hasAttribute("formnovalidate")) { return; } // saving answers: no checks
      var missing = missingLatest(true);
      if (missing.length && !confirmedBlank && latestSummary) {
        event.preventDefault();
        confirmedBlank = true;
        latestSummary.hidden = false;
        latestSummary.querySelector(".latest-summary-text").textContent = both([
          "最近一年有 {n} 项必填数据为空（见输入框下的提示）。可补填后提交；如确实无法提供，再次点击“开始诊断”即可提交，相关条件将显示为“待定”。",
          "{n} {figures} needed for the latest year {are} blank (see the hints). Fill them in, or press “Assess” again to send the form as it is: the conditions using them will show as unknown."
        ], { n: String(missing.length), figures: missing.length === 1 ? "figure" : "figures", are: missing.length === 1 ? "is" : "are" });
        missing[0].focus();
      }
    });
    // figures loaded from a file or sent back with errors are checked at once
    Array.prototype.forEach.call(form.querySelectorAll("input[data-kind]"), function (input) {
      if (input.value.trim() !== "" && !input.closest(".has-error")) { check(input); }
    });
    showDateWarning();
  }

  // Print (or save as PDF from the print dialog).
  var printButton = document.getElementById("print-button");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }
})();
