/* Contacts logged on the follow-up pages, on top of outbox.js: each goes into the device outbox first (kind
   "contact", with a client_id made here and the time it was logged), then to POST
   /api/v1/registrations/<number>/contacts, exactly once, whenever there is signal. On a visit's list (kept on the
   phone with the visit) one copy of the contact form opens under the worker tapped; a worker whose contact waits
   on the phone or was sent is marked done. A message button logs the message as a contact, then opens WhatsApp or
   the SMS app with the text. */
(function () {
  "use strict";
  var ui = window.OutboxUI;
  if (!ui) return;
  var texts = (document.getElementById("contact-texts") || { dataset: {} }).dataset;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)); b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function owner() { return ui.check().then(function (id) { return id || ui.askServer(); }); }

  /* Puts one contact in the outbox and starts a send; resolves to the entry, or null when nobody is confirmed. */
  function queue(source, payload) {
    return owner().then(function (id) {
      if (!id) { ui.say("officer", ui.t.unknownOfficer, "error"); return null; }
      payload.client_id = uuid();
      payload.captured_at = new Date().toISOString();
      var entry = { kind: "contact", client_id: payload.client_id, officer_id: id, visit_id: payload.visit_id || null,
                    url: source.dataset.api, payload: payload, state: "waiting", errors: {}, duplicate: null,
                    name: source.dataset.name || "", village: source.dataset.village || "",
                    number: source.dataset.number || "", captured_at: payload.captured_at };
      return Outbox.put("entries", entry).then(function () {
        ui.persist();
        ui.counter();
        ui.sync();
        return entry;
      });
    });
  }

  function fields(form) {
    var data = new FormData(form), out = {};
    ["channel", "outcome", "will_pay_on", "next_on", "note"].forEach(function (k) { out[k] = data.get(k) || ""; });
    out.consent_method = data.get("consent_recorded") ? data.get("consent_method") || "" : null;
    out.visit_id = Number(form.dataset.visitId) || null;
    return out;
  }
  function problems(p) {  // what costs nothing to check here; the server stays the judge
    var errors = {};
    if (!p.outcome) errors.outcome = texts.outcome;
    if (p.outcome === "will_pay" && !p.will_pay_on) errors.will_pay_on = texts.willPay;
    return errors;
  }
  function showErrors(form, errors) {
    form.querySelectorAll("[data-js-error]").forEach(function (p) { p.remove(); });
    Object.keys(errors).forEach(function (name) {
      var input = form.querySelector('[name="' + name + '"]');
      var anchor = input ? (input.closest("fieldset") || input.closest(".field")) : form;
      var p = document.createElement("p");
      p.className = "error"; p.setAttribute("data-js-error", name); p.textContent = errors[name];
      anchor.appendChild(p);
    });
  }

  /* Rows whose contact waits on the phone or was sent from it: done for today. */
  function markDone() {
    var officer = ui.officer();
    if (!officer) return Promise.resolve();
    return Promise.all([Outbox.all("entries", officer), Outbox.all("sent", officer)]).then(function (got) {
      got[0].concat(got[1]).forEach(function (e) {
        if (e.kind !== "contact" || !e.number) return;
        var row = document.querySelector('[data-actions-for="' + e.number + '"]');
        if (!row) return;
        row.querySelector("[data-done]").hidden = false;
        var button = row.querySelector("[data-log-contact]");
        if (button) button.hidden = true;
      });
    });
  }
  ui.onRender(markDone);

  // A visit's list: one contact form, opened under the worker tapped.
  var template = document.getElementById("contact-form-template");
  document.querySelectorAll("[data-log-contact]").forEach(function (button) {
    button.addEventListener("click", function () {
      document.querySelectorAll("form[data-contact-form][data-opened]").forEach(function (f) { f.remove(); });
      var form = template.content.firstElementChild.cloneNode(true);
      form.setAttribute("data-opened", button.dataset.logContact);
      ["api", "name", "village"].forEach(function (k) { form.dataset[k] = button.dataset[k]; });
      form.dataset.number = button.dataset.logContact;
      form.querySelector("[data-consent-fields]").hidden = button.dataset.imported !== "yes";
      button.closest("li").after(form);
      form.scrollIntoView({ block: "start" });
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var p = fields(form), errors = problems(p);
        showErrors(form, errors);
        if (Object.keys(errors).length) return;
        queue(form, p).then(function (entry) {
          if (!entry) return;
          form.remove();
          ui.say("contact", texts.logged, "success");
          markDone();
        });
      });
    });
  });

  // A message from the officer's phone: logged as a contact (through the outbox), then the app opens.
  document.querySelectorAll("form[data-message-form]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      var submitter = e.submitter || document.activeElement, channel = submitter && submitter.name;
      var href = channel && form.dataset["href" + channel.charAt(0).toUpperCase() + channel.slice(1)];
      if (!href) return;  // the plain form: the server logs it and opens the app
      e.preventDefault();
      form.dataset.number = form.dataset.number || "";
      queue(form, { channel: channel, outcome: "other", event: form.querySelector('[name="event"]').value })
        .then(function () { location.href = href; }, function () { location.href = href; });
    });
  });
})();
