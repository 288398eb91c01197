/* The outbox page, on top of outbox.js: the entries waiting on this phone (fix or discard) and what was sent,
   with its receipt; only the confirmed officer's. */
(function () {
  "use strict";
  var ui = window.OutboxUI, page = document.getElementById("outbox");
  if (!ui || !page) return;
  var t = ui.t;

  function renderOutbox() {
    var officer = ui.officer();
    var texts = document.getElementById("outbox-texts").dataset;
    var waiting = page.querySelector("[data-outbox-waiting]"), sent = page.querySelector("[data-outbox-sent]");
    if (!officer) ui.say("officer", t.unknownOfficer, "error");
    else ui.hush("officer");
    ui.pending().then(function (entries) {
      waiting.textContent = "";
      page.querySelector("[data-outbox-empty]").hidden = entries.length > 0;
      entries.forEach(function (entry) {
        var li = document.createElement("li");
        li.className = "row"; li.setAttribute("data-client-id", entry.client_id); li.setAttribute("data-state", entry.state);
        var title = document.createElement("strong"); title.textContent = entry.name;
        var info = document.createElement("span"); info.className = "muted";
        info.textContent = entry.village + " · " + texts.captured + " " + new Date(entry.captured_at).toLocaleString();
        var state = document.createElement("span"); state.className = "badge";
        state.textContent = texts[entry.state] || entry.state;
        li.append(title, info, state);
        Object.keys(entry.errors || {}).forEach(function (k) {
          var p = document.createElement("p"); p.className = "error"; p.setAttribute("data-field", k);
          p.textContent = [].concat(entry.errors[k]).join(" ");
          var link = k === "nik" && ui.duplicateLink(entry.duplicate);
          if (link) p.append(" ", link);
          li.append(p);
        });
        if (entry.state === "rejected" && entry.kind !== "contact") {  // corrected on the outbox's own form
          var fix = document.createElement("a"); fix.className = "button";
          fix.href = page.dataset.fixForm + "?outbox=" + encodeURIComponent(entry.client_id);
          fix.textContent = texts.fix; li.append(fix);
        }
        var drop = document.createElement("button"); drop.type = "button"; drop.className = "button"; drop.textContent = texts.discard;
        drop.addEventListener("click", function () {
          if (!ui.officer() || String(entry.officer_id) !== String(ui.officer())) return;  // whoever is confirmed now
          if (window.confirm(texts.confirmDiscard)) Outbox.remove("entries", entry.client_id).then(function () { renderOutbox(); ui.counter(); });
        });
        li.append(drop);
        waiting.append(li);
      });
    });
    (officer ? Outbox.all("sent", officer) : Promise.resolve([])).then(function (entries) {
      sent.textContent = "";
      entries.reverse().slice(0, 50).forEach(function (entry) {
        var li = document.createElement("li"); li.className = "row"; li.setAttribute("data-number", entry.number);
        var title = document.createElement("strong"); title.textContent = entry.name;
        var info = document.createElement("span"); info.className = "muted"; info.textContent = entry.number + " · " + entry.village;
        li.append(title, info);
        if (entry.receipt_url) {
          var link = document.createElement("a"); link.href = entry.receipt_url; link.textContent = texts.receipt; li.append(link);
        }
        sent.append(li);
      });
    });
  }
  ui.onRender(renderOutbox);
})();
