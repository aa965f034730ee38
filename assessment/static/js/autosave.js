// Autosave for the questionnaire: each answer is saved as the respondent moves on. Unsent
// answers are kept in this browser (localStorage) and sent when the connection returns; a
// stale save is never overwritten silently: the other person's value is shown with a choice.
// Without JavaScript the form still works as a plain post.
(function () {
  "use strict";
  const form = document.getElementById("questionnaire");
  if (!form || !form.dataset.autosave) return;
  const status = document.getElementById("save-status");
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const storageKey = form.dataset.storageKey;
  let sending = false;

  function loadQueue() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "{}"); } catch (e) { return {}; }
  }
  function saveQueue(queue) {
    try { localStorage.setItem(storageKey, JSON.stringify(queue)); } catch (e) { /* full */ }
  }
  function show(kind, detail) {
    if (!status) return;
    status.hidden = false;
    status.dataset.state = kind;
    let text = status.dataset[kind] || "";
    text = text.replace("{n}", detail === undefined ? "" : detail)
               .replace("{error}", detail === undefined ? "" : detail);
    status.textContent = text;
  }
  function field(block, name) {
    return block.querySelector('[name$="-' + name + '"]');
  }
  function checked(block, name) {
    const input = block.querySelector('[name$="-' + name + '"]:checked');
    return input ? input.value : "";
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  // What the form says about one question, as the JSON endpoint takes it.
  function payload(block) {
    const type = block.dataset.type;
    const choice = checked(block, "answer");
    const body = {
      version: Number(field(block, "version").value || 0),
      reason: field(block, "reason").value,
      comment: field(block, "comment").value,
      evidence: field(block, "evidence").value,
      confidence: checked(block, "confidence"),
      flagged: field(block, "flagged").checked,
      operation_id: newId(),
    };
    if (choice === "not_applicable" || choice === "unknown") {
      body.status = choice;
    } else if (type === "scale") {
      if (choice === "") return null;
      body.level = Number(choice);
    } else if (type === "number" || type === "text") {
      const value = field(block, "value").value;
      if (value.trim() === "") return null;
      body.value = value;
    } else {
      if (choice === "") return null;
      body.value = choice;
    }
    return body;
  }

  function markSaved(block, version) {
    field(block, "version").value = version;
    // The page now shows what is stored: a plain form post must not resend it.
    field(block, "original").value = "autosaved";
    block.classList.remove("has-conflict", "has-error");
    const panel = block.querySelector(".conflict-panel");
    if (panel) panel.remove();
    const refused = block.querySelector(".autosave-error");
    if (refused) refused.remove();
  }

  // The server refused this answer (say, "unknown" without a reason): say so beside it, and
  // keep saying so until it is saved, so that nobody believes it was kept.
  function markRefused(block, message) {
    block.classList.add("has-error");
    let note = block.querySelector(".autosave-error");
    if (!note) {
      note = document.createElement("p");
      note.className = "error autosave-error";
      note.setAttribute("role", "alert");
      block.querySelector("h3").after(note);
    }
    note.textContent = form.dataset.refusedText.replace("{error}", message);
  }

  function showConflict(block, data, pending) {
    block.classList.add("has-conflict");
    let panel = block.querySelector(".conflict-panel");
    if (panel) panel.remove();
    panel = document.createElement("div");
    panel.className = "conflict-panel";
    panel.setAttribute("role", "alert");
    const current = data.current || {};
    const value = current.level !== null && current.level !== undefined
      ? String(current.level) : (current.value || current.status || "");
    const text = document.createElement("p");
    text.textContent = form.dataset.conflictText.replace("{value}", value)
      .replace("{who}", data.updated_by || "?");
    const keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = form.dataset.keepText;
    keep.addEventListener("click", function () {
      field(block, "version").value = data.version;
      pending.version = data.version;
      pending.operation_id = newId();
      enqueue(block.dataset.question, pending);
      panel.remove();
    });
    const take = document.createElement("button");
    take.type = "button";
    take.textContent = form.dataset.takeText;
    take.addEventListener("click", function () { window.location.reload(); });
    panel.append(text, keep, take);
    block.querySelector("h3").after(panel);
  }

  function enqueue(questionId, body) {
    const queue = loadQueue();
    queue[questionId] = body;  // only the latest value of a question is worth sending
    saveQueue(queue);
    flush();
  }

  async function flush() {
    if (sending) return;
    const queue = loadQueue();
    const ids = Object.keys(queue);
    if (ids.length === 0) { show("saved"); return; }
    if (!navigator.onLine) { show("offline", ids.length); return; }
    sending = true;
    let refused = null;
    show("saving");
    for (const questionId of ids) {
      const body = queue[questionId];
      const block = document.getElementById(questionId);
      let response;
      try {
        response = await fetch(form.dataset.autosave.replace("QID", encodeURIComponent(questionId)), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token },
          body: JSON.stringify(body),
        });
      } catch (e) {
        sending = false;
        show("offline", Object.keys(loadQueue()).length);
        return;  // the connection is gone: keep everything, retry when it returns
      }
      const data = await response.json().catch(function () { return {}; });
      const latest = loadQueue();
      const unchangedSince = latest[questionId] && latest[questionId].operation_id === body.operation_id;
      if (response.ok) {
        if (block) markSaved(block, data.version);
        if (unchangedSince) delete latest[questionId];
        else if (latest[questionId]) latest[questionId].version = data.version;
      } else if (response.status === 409) {
        if (unchangedSince) delete latest[questionId];
        if (block) showConflict(block, data, body);
      } else if (response.status >= 500 || response.status === 429) {
        // Busy, out of disk or restarting: keep everything and try again when the server says.
        const wait = Number(response.headers.get("Retry-After"));
        sending = false;
        show("failed", data.error || response.status);
        setTimeout(flush, (wait > 0 ? Math.min(wait, 120) : 5) * 1000);
        return;
      } else {
        if (unchangedSince) delete latest[questionId];
        refused = data.error || String(response.status);
        if (block) markRefused(block, refused);
      }
      saveQueue(latest);
    }
    sending = false;
    if (Object.keys(loadQueue()).length) flush();
    else if (refused !== null || form.querySelector(".autosave-error")) show("failed", refused || "");
    else show("saved");
  }

  // Put back answers that were typed here but never reached the server.
  const waiting = loadQueue();
  for (const questionId of Object.keys(waiting)) {
    const block = document.getElementById(questionId);
    const body = waiting[questionId];
    if (!block) continue;
    field(block, "reason").value = body.reason || "";
    field(block, "comment").value = body.comment || "";
    field(block, "evidence").value = body.evidence || "";
    field(block, "flagged").checked = !!body.flagged;
    const choice = body.status && body.status !== "answered" ? body.status
      : (body.level !== undefined ? String(body.level) : body.value);
    const radio = block.querySelector('[name$="-answer"][value="' + CSS.escape(String(choice)) + '"]');
    if (radio) radio.checked = true;
    else if (field(block, "value")) field(block, "value").value = body.value || "";
  }

  form.addEventListener("change", function (event) {
    const block = event.target.closest("[data-question]");
    if (!block) return;
    const body = payload(block);
    if (body) enqueue(block.dataset.question, body);
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { show("offline", Object.keys(loadQueue()).length); });
  flush();
})();
