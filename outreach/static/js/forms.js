/* Small progressive helpers for the officer's forms; every page works without them.
   - desa search: filters a <select> as the officer types (names, kecamatan, older spellings)
   - location: asks the phone for its position, only when the officer taps the button
   - contribution: recomputes the figure the server would show, as income/JHT/period/funding change
   - who pays: the funding programmes of the chosen payer; JHT ticked for a worker who employs others
   - print: the receipt's print button */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.querySelectorAll("[data-filter-for]").forEach(function (input) {
    var select = document.getElementById(input.getAttribute("data-filter-for"));
    if (!select) return;
    function narrow() {
      var q = input.value.trim().toLowerCase(), first = null;
      Array.prototype.forEach.call(select.options, function (o) {
        var hay = (o.getAttribute("data-search") || o.text).toLowerCase();
        var show = !o.value || !q || hay.indexOf(q) !== -1;
        o.hidden = !show;
        if (show && o.value && !first) first = o;
      });
      var current = select.selectedOptions[0];
      if (q && first && (!select.value || (current && current.hidden))) select.value = first.value;
    }
    input.addEventListener("input", narrow);
    if (input.value) narrow();  // typed on a slow phone before this script ran
  });

  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });

  var geoButton = document.querySelector("[data-geo-button]");
  if (geoButton) {
    var form = geoButton.form, status = document.querySelector("[data-geo-status]");
    var failed = function (err) {  // say what failed, in the page's words (1 denied, 2 unavailable, 3 timeout)
      var words = { 1: "data-denied", 3: "data-timeout" }[err && err.code] || "data-unavailable";
      status.textContent = geoButton.getAttribute(words);
    };
    geoButton.addEventListener("click", function () {
      if (!navigator.geolocation) return failed(null);
      status.textContent = geoButton.getAttribute("data-wait");
      navigator.geolocation.getCurrentPosition(function (p) {
        form.elements.latitude.value = p.coords.latitude.toFixed(6);
        form.elements.longitude.value = p.coords.longitude.toFixed(6);
        form.elements.accuracy.value = Math.round(p.coords.accuracy);
        status.textContent = p.coords.latitude.toFixed(5) + ", " + p.coords.longitude.toFixed(5);
      }, failed, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  var box = document.getElementById("contribution");
  if (!box) return;
  var rules = JSON.parse(box.getAttribute("data-rules")), words = JSON.parse(box.getAttribute("data-words"));
  var money = new Intl.NumberFormat(box.getAttribute("data-locale") === "en" ? "en-US" : "id-ID");
  var f = box.closest("form") || document.getElementById("register-form");
  function rp(n) { return "Rp" + money.format(n); }
  function out(name, text) { var el = box.querySelector('[data-out="' + name + '"]'); if (el) el.textContent = text; }
  function show(name, on) { var el = box.querySelector('[data-show="' + name + '"]'); if (el) el.hidden = !on; }
  function parseIncome(text) {  // same forms as the server: 1500000, 1.500.000, 1,500,000, Rp 1.500.000
    text = (text || "").trim().replace(/^rp/i, "").replace(/\s/g, "");
    if (!/^(\d+|\d{1,3}(\.\d{3})+|\d{1,3}(,\d{3})+)$/.test(text)) return null;
    return parseInt(text.replace(/[.,]/g, ""), 10);
  }
  function base(income) {
    var b = rules.brackets[0][1];
    rules.brackets.forEach(function (row) { if (income >= row[0]) b = row[1]; });
    return b;
  }
  function pct(b, permille) { return Math.floor((b * permille + 500) / 1000); }  // half-up, integers
  function halve(amount) { return Math.floor((amount + 1) / 2); }
  function month(amounts, cut) {  // a month's total; in a discount month the basic programmes are halved
    var total = 0;
    Object.keys(amounts).forEach(function (p) { total += cut && rules.basic.indexOf(p) !== -1 ? halve(amounts[p]) : amounts[p]; });
    return total;
  }
  function inWindow(ym, w) {
    var v = ym[0] * 12 + ym[1], a = w[0][0] * 12 + w[0][1], z = w[1][0] * 12 + w[1][1];
    return v >= a && v <= z;
  }
  function checked(name) { var el = f.querySelector('input[name="' + name + '"]:checked'); return el ? el.value : null; }
  function update() {  // contribution_for in domain/contribution.py, with the rules it hands over
    var income = parseIncome(f.elements.monthly_income.value);
    var months = parseInt(checked("payment_period") || rules.periods[0], 10), funding = checked("funding");
    var jht = f.querySelector('input[name="programs"][value="JHT"]').checked;
    if (income === null || income < rules.minIncome || income > rules.maxIncome) {
      show("invalid", true); show("base", false); show("discount", false); show("schedule", false);
      show("discount-end", false);
      out("monthly", rp(0)); out("period", rp(0)); out("months", words.paidAhead[months]);
      return;
    }
    var b = base(income);
    var normal = { JKK: Math.min(Math.max(pct(b, rules.jkkPermille), rules.jkkMin), rules.jkkMax), JKM: rules.jkmFlat };
    if (jht) normal.JHT = pct(b, rules.jhtPermille);
    var kind = rules.transport.indexOf(f.elements.occupation.value) !== -1 ? "transport" : "non_transport";
    var start = rules.start.split("-").map(Number), runs = [], total = 0, monthly = month(normal, false);
    var budget = rules.budgetFunded.indexOf(funding) !== -1;
    for (var n = 0; n < months; n++) {
      var idx = start[0] * 12 + (start[1] - 1) + n, ym = [Math.floor(idx / 12), idx % 12 + 1];
      var m = month(normal, !budget && inWindow(ym, rules.discount[kind]));
      var last = runs[runs.length - 1];
      if (last && last.amount === m) { last.to = ym; last.count++; } else runs.push({ from: ym, to: ym, count: 1, amount: m });
      total += m;
    }
    out("monthly", rp(runs[0].amount)); out("period", rp(total)); out("months", words.paidAhead[months]);
    out("normal", rp(monthly)); out("base", rp(b));
    var list = box.querySelector('[data-show="schedule"]');
    list.textContent = "";
    if (runs.length > 1) runs.forEach(function (r) {  // labels.schedule_lines, in the same words
      var li = document.createElement("li");
      var from = r.from[0] === r.to[0] ? words.monthNames[r.from[1] - 1] : monthName(r.from);  // labels.months_text
      li.textContent = (r.count > 1 ? from + " – " : "") + monthName(r.to) + ": " + words.months[r.count] + " × " + rp(r.amount);
      list.appendChild(li);
    });
    var discounted = total < monthly * months;
    out("discount-end", discounted ? words.discountEnd.replace("%(month)s", monthName(rules.discount[kind][1]))
      .replace("%(amount)s", rp(monthly)) : "");
    show("invalid", false); show("base", true); show("discount", discounted); show("schedule", runs.length > 1);
    show("discount-end", discounted);
  }
  function monthName(ym) { return words.monthNames[ym[1] - 1] + " " + ym[0]; }
  f.addEventListener("input", update);
  f.addEventListener("change", update);
  update();

  // Who pays: the programme list offers the chosen payer's programmes, and hides when the worker pays.
  var programme = f.elements.programme_id, holder = f.querySelector("[data-programme]");
  function payer() {
    var funding = checked("funding");
    holder.hidden = funding === rules.self;
    Array.prototype.forEach.call(programme.options, function (o) {
      o.hidden = !!o.value && o.getAttribute("data-payer") !== funding;
      if (o.hidden && o.selected) programme.value = "";
    });
  }
  if (programme && holder) {
    f.addEventListener("change", function (e) { if (e.target.name === "funding") payer(); });
    payer();
  }
  // A worker who employs others must take JHT (the server says so too): tick it for the officer.
  f.addEventListener("change", function (e) {
    var jht = f.querySelector('input[name="programs"][value="JHT"]');
    if (e.target.name === "employs_others" && e.target.value === "yes" && jht && !jht.checked) {
      jht.checked = true;
      update();
    }
  });
})();
