/* coopnet door check-in: scan or search, one tap to check in, live counters, with or
 * without network.
 *
 * Online, every action is one JSON request to the staff endpoints of the page (CSRF token
 * from the meta tag, sent as X-CSRFToken). Scans never get lost: each one joins a queue on
 * this device and gets its own line in "recent scans"; they are sent one after another, in
 * order. A request that fails is tried again; after that it stays visible as "not done"
 * with a button to try again.
 *
 * The list of people is not in the page: it is loaded page by page from the server and kept
 * on this device (IndexedDB, see door_store.js) with the ticket codes only as HMAC-SHA256
 * hashes under the event's key. Search runs on it; at most LIMIT rows are drawn.
 *
 * Offline (the browser says so), or while kept actions still wait, every check-in, undo
 * and walk-in is done on the device's list and kept in order with its time and id; when
 * the network is back they are sent in order to the sync endpoint, which applies each
 * exactly once. No third-party code. */
(function () {
  "use strict";
  var door = document.getElementById("door");
  if (!door) { return; }
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var input = document.getElementById("door-input");
  var list = document.getElementById("door-list");
  var empty = document.getElementById("door-empty");
  var more = document.getElementById("door-more");
  var feedback = document.getElementById("door-feedback");
  var feedbackText = document.getElementById("door-feedback-text");
  var undoButton = document.getElementById("door-undo");
  var recent = document.getElementById("door-recent");
  var offlineBox = document.getElementById("door-offline");
  var eventId = Number(door.dataset.eventId);
  var userId = Number(door.dataset.userId);
  var store = window.DoorStore;
  var lastUndo = null;        // what the undo button undoes: {id} of a row
  var POLL_MS = 4000;
  var RETRIES = 2;            // automatic tries after the first, then "not done"
  var RETRY_MS = 1500;
  var TIMEOUT_MS = 8000;      // a request without an answer by then has failed
  var SYNC_RETRY_MS = 10000;  // kept actions: next try while the server does not answer
  var BATCH = 100;            // kept actions per sync request
  var KEEP = 8;               // finished lines kept in "recent scans"
  var LIMIT = 50;             // rows drawn at most; search finds the others
  var queue = [];             // scans not answered yet, in the order they came
  var sending = false;
  var syncing = false;
  var pending = 0;            // kept actions waiting to be sent
  var networkDown = false;    // the browser says online, but requests fail: work as offline

  /* the door list in memory: rows by id, by code hash, and the hash key */
  var rows = {};
  var byHash = {};
  var keyHex = "";
  var hmacKey = null;
  var keepUntil = "";
  var loaded = false;

  function msg(name, values) {
    var text = door.dataset[name] || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(values[key]);
    });
    return text;
  }

  /* a request that hangs (a crowded access point) counts as failed after TIMEOUT_MS */
  function timed(url, options) {
    var controller = window.AbortController ? new window.AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    if (controller) { options.signal = controller.signal; }
    return fetch(url, options).then(function (response) {
      window.clearTimeout(timer);
      return response;
    }, function (error) {
      window.clearTimeout(timer);
      throw error;
    });
  }

  function post(url, body) {
    return timed(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": csrf},
      body: JSON.stringify(body)
    }).then(function (response) {
      // a gateway error or a page instead of our JSON: the request did not get through
      if (response.status >= 500 || response.status === 429) { throw new Error("unavailable"); }
      return response.json().catch(function () { throw new Error("not json"); })
        .then(function (answer) {
          // a refusal comes in the API's shape, {"error": {code, message, fields}}
          if (answer && answer.error) {
            answer.code = answer.error.code;
            answer.message = answer.error.message;
            answer.fields = answer.error.fields;
          }
          return answer;
        });
    });
  }

  function getJSON(url) {
    return timed(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      });
  }

  function show(kind, message, undoable) {
    feedback.hidden = false;
    feedback.classList.remove("alert-success", "alert-warning", "alert-danger", "alert-secondary");
    feedback.classList.add("alert-" + kind);
    feedbackText.textContent = message;
    undoButton.hidden = !undoable;
    if (kind === "danger" && navigator.vibrate) { navigator.vibrate([80, 60, 80]); }
  }

  function counter(key) { return door.querySelector('[data-count="' + key + '"]'); }

  function setCounts(counts) {
    if (!counts) { return; }
    Object.keys(counts).forEach(function (key) {
      var el = counter(key);
      if (el) { el.textContent = counts[key] === null ? "∞" : counts[key]; }
    });
  }

  function bump(key, by) {
    var el = counter(key);
    var value = Number(el.textContent);
    if (!isNaN(value)) { el.textContent = String(value + by); }
  }

  function hhmm(moment) {
    if (!moment) { return ""; }
    var date = new Date(moment);
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }

  /* -- the list: drawn from memory, at most LIMIT rows ----------------------------------- */
  function searchText(row) { return (row.name + " " + (row.organization || "")).toLowerCase(); }

  var sorted = null;           // the rows by name, drawn from; null after a change
  var collator = new Intl.Collator("nl", {sensitivity: "base"});
  function sortedRows() {
    if (sorted) { return sorted; }
    sorted = Object.keys(rows).map(function (id) { return rows[id]; })
      .filter(function (row) { return row.status !== "cancelled"; })
      .sort(function (a, b) {
        return collator.compare(a.name, b.name) || String(a.id).localeCompare(String(b.id));
      });
    sorted.forEach(function (row) { row.search = searchText(row); });
    return sorted;
  }

  function stateOf(row) {
    var state = document.createElement("span");
    state.className = "door-state text-nowrap small";
    if (row.status === "waitlisted") {
      var waiting = document.createElement("span");
      waiting.className = "badge text-bg-secondary";
      waiting.textContent = door.dataset.msgWaitingList;
      state.appendChild(waiting);
    } else if (row.checked_in_at) {
      var badge = document.createElement("span");
      badge.className = "badge text-bg-success";
      badge.textContent = "✓ " + hhmm(row.checked_in_at) + (row.checked_in_by ? " · " + row.checked_in_by : "");
      state.appendChild(badge);
    }
    return state;
  }

  function rowElement(row) {
    var li = document.createElement("li");
    li.className = "list-group-item p-0";
    li.dataset.id = row.id;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "door-row btn w-100 text-start d-flex justify-content-between align-items-center gap-2 py-2 px-3";
    if (row.status === "waitlisted") { button.dataset.waiting = "1"; }
    var who = document.createElement("span");
    who.className = "min-w-0";
    var name = document.createElement("span");
    name.className = "d-block fw-semibold text-truncate";
    name.textContent = row.name;
    var sub = document.createElement("span");
    sub.className = "d-block small text-body-secondary text-truncate";
    sub.textContent = row.organization || "";
    who.appendChild(name);
    who.appendChild(sub);
    button.appendChild(who);
    button.appendChild(stateOf(row));
    li.appendChild(button);
    return li;
  }

  function matches() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    return sortedRows().filter(function (row) {
      var text = row.search;
      return words.every(function (w) { return text.indexOf(w) !== -1; });
    });
  }

  function render() {
    var found = matches();
    var fragment = document.createDocumentFragment();
    found.slice(0, LIMIT).forEach(function (row) { fragment.appendChild(rowElement(row)); });
    list.textContent = "";
    list.appendChild(fragment);
    empty.hidden = found.length > 0 || !loaded;
    more.hidden = found.length <= LIMIT && loaded;
    more.textContent = !loaded && found.length <= LIMIT ? door.dataset.msgLoading :
      msg("msgMore", {count: found.length - LIMIT});
    return found;
  }

  function redrawRow(id) {
    var li = list.querySelector('li[data-id="' + id + '"]');
    if (li && rows[id]) { li.replaceWith(rowElement(rows[id])); }
  }

  /* a registration as the online endpoints answer it, into the list */
  function takeAnswer(reg) {
    var row = rows[reg.id] || {id: reg.id, code_hashes: []};
    row.name = reg.name;
    row.organization = reg.organization || "";
    row.status = reg.waiting ? "waitlisted" : "confirmed";
    row.checked_in_at = reg.checked_in ? reg.checked_in_at : null;
    row.checked_in_by = reg.checked_in ? reg.by : null;
    row.at_text = reg.at;
    var isNew = !rows[reg.id];
    rows[reg.id] = row;
    sorted = null;
    if (isNew) { render(); } else { redrawRow(reg.id); }
    saveList();
  }

  /* -- the kept list ---------------------------------------------------------------------- */
  function importKey(hex) {
    if (!hex || !window.crypto || !window.crypto.subtle) { return Promise.resolve(null); }
    var bytes = new Uint8Array(hex.match(/../g).map(function (h) { return parseInt(h, 16); }));
    return window.crypto.subtle.importKey("raw", bytes, {name: "HMAC", hash: "SHA-256"}, false,
                                          ["sign"]);
  }

  function normalizeCode(text) {
    // as the server does: the short code without spaces and dashes, else the code or the last
    // part of a ticket URL, trimmed; capitals
    if (looksLikeShortCode(text)) { return text.replace(/[\s-]/g, "").toUpperCase(); }
    var code = text.trim();
    if (code.indexOf("/") !== -1) {
      code = code.split("?")[0].split("#")[0].replace(/\/+$/, "");
      code = code.slice(code.lastIndexOf("/") + 1);
    }
    return code.toUpperCase();
  }

  function hashCode(text) {
    if (!hmacKey) { return Promise.resolve(null); }
    return window.crypto.subtle.sign("HMAC", hmacKey, new TextEncoder().encode(normalizeCode(text)))
      .then(function (signature) {
        return Array.prototype.map.call(new Uint8Array(signature), function (b) {
          return ("0" + b.toString(16)).slice(-2);
        }).join("");
      });
  }

  function indexRows() {
    byHash = {};
    Object.keys(rows).forEach(function (id) {
      (rows[id].code_hashes || []).forEach(function (digest) {
        // an active registration wins over a cancelled one with the same person's code
        if (!byHash[digest] || byHash[digest].status === "cancelled") { byHash[digest] = rows[id]; }
      });
    });
  }

  var saving = null;
  function saveList() {
    if (!store || !keyHex) { return; }
    // one write at a time, the last state wins
    if (saving) { saving.again = true; return; }
    saving = {again: false};
    store.putList({event_id: eventId, user_id: userId, keep_until: keepUntil, key: keyHex,
                   rows: Object.keys(rows).map(function (id) { return rows[id]; })})
      .catch(function () { /* private mode without storage: the page still works online */ })
      .then(function () {
        var again = saving.again;
        saving = null;
        if (again) { saveList(); }
      });
  }

  function takeList(document_, replace) {
    keyHex = document_.hash.key;
    keepUntil = document_.keep_until;
    var fresh = replace ? {} : rows;
    document_.registrations.forEach(function (row) {
      var old = rows[row.id];
      // a change made on this phone and not yet sent stays as it is here
      if (old && old.local) { fresh[row.id] = old; return; }
      fresh[row.id] = row;
    });
    if (replace) {
      Object.keys(rows).forEach(function (id) {
        if (rows[id].local && !fresh[id]) { fresh[id] = rows[id]; }
      });
    }
    rows = fresh;
    sorted = null;
  }

  /* download the whole list page by page; the first page replaces what was kept */
  var downloading = false;
  function download() {
    if (downloading) { return Promise.resolve(); }
    downloading = true;
    var gathered = {registrations: []};
    function page(after) {
      return getJSON(door.dataset.listUrl + "?limit=500&after=" + after).then(function (doc) {
        gathered.hash = doc.hash;
        gathered.keep_until = doc.keep_until;
        gathered.registrations = gathered.registrations.concat(doc.registrations);
        if (doc.next_after) { return page(doc.next_after); }
        setCounts(doc.counts);
        return null;
      });
    }
    return page(0).then(function () {
      takeList(gathered, true);
      loaded = true;
      indexRows();
      return importKey(keyHex);
    }).then(function (key) {
      hmacKey = key;
      render();
      saveList();
    }).catch(function () { /* offline: what is kept is used */ })
      .then(function () { downloading = false; });
  }

  /* -- offline: the state on the page, the kept actions ----------------------------------- */
  function isOffline() { return navigator.onLine === false; }

  /* actions are done on this phone and kept: offline, after requests failed, or while kept
     actions still wait to be sent (theirs is the earlier turn) */
  function keepsHere() { return isOffline() || networkDown || pending > 0; }

  function hasList() { return hmacKey !== null; }

  function showOffline() {
    var offline = isOffline() || networkDown;
    offlineBox.hidden = !offline && pending === 0;
    offlineBox.classList.toggle("alert-warning", offline);
    offlineBox.classList.toggle("alert-info", !offline);
    document.getElementById("door-offline-title").hidden = !offline;
    document.getElementById("door-offline-text").textContent = offline ? door.dataset.msgOffline :
      (syncing ? door.dataset.msgSyncing : "");
    document.getElementById("door-pending-label").textContent = door.dataset.msgPending;
    document.getElementById("door-pending").textContent = String(pending);
    document.getElementById("door-pending-box").hidden = pending === 0;
    door.dataset.pending = String(pending);
    door.classList.toggle("door-is-offline", offline);
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function deviceId() {
    var id = "";
    try { id = window.localStorage.getItem("coopnet-door-device") || ""; } catch (e) { id = ""; }
    if (!id) {
      id = newId();
      try { window.localStorage.setItem("coopnet-door-device", id); } catch (e) { /* none */ }
    }
    return id;
  }

  function keep(action) {
    action.id = newId();
    action.device_time = new Date().toISOString();
    action.device_id = deviceId();
    pending += 1;
    showOffline();
    return store.addAction({event_id: eventId, user_id: userId, action: action})
      .then(function () { return action; });
  }

  /* check a row in on this phone; returns [kind, message, undoable] */
  function checkInHere(row) {
    if (row.status === "cancelled") { return ["danger", msg("msgCancelled", {name: row.name}), false]; }
    if (row.status === "waitlisted") { return ["danger", msg("msgWaiting", {name: row.name}), false]; }
    if (row.checked_in_at) {
      return ["warning", msg("msgAlready", {name: row.name, time: hhmm(row.checked_in_at)}), false];
    }
    var now = new Date().toISOString();
    row.checked_in_at = now;
    row.checked_in_by = door.dataset.staffName;
    row.local = true;
    bump("checked_in", 1);
    var action = {type: "check_in"};
    if (row.walk_in_action_id) { action.walk_in_action_id = row.walk_in_action_id; } else {
      action.registration_id = row.id;
    }
    keep(action);
    redrawRow(row.id);
    saveList();
    lastUndo = row.id;
    return ["success", msg("msgCheckedIn", {name: row.name}), true, true];
  }

  function undoHere(row) {
    if (!row.checked_in_at) { return; }
    row.checked_in_at = null;
    row.checked_in_by = null;
    row.local = true;
    bump("checked_in", -1);
    var action = {type: "undo"};
    if (row.walk_in_action_id) { action.walk_in_action_id = row.walk_in_action_id; } else {
      action.registration_id = row.id;
    }
    keep(action);
    redrawRow(row.id);
    saveList();
    show("secondary", msg("msgUndone", {name: row.name}), false);
  }

  /* a queued scan or tap, done on this phone */
  function doHere(item) {
    var body = item.body;
    var found;
    if (body.registration_id !== undefined) {
      found = Promise.resolve(rows[body.registration_id] || null);
    } else {
      found = hashCode(body.code).then(function (digest) {
        if (digest === null) { return {missingList: true}; }
        return byHash[digest] || {unknown: digest};
      });
    }
    return found.then(function (row) {
      if (!row || row.missingList) { return ["danger", door.dataset.msgNoList, false]; }
      if (row.unknown) {
        // perhaps registered after the list came: the server decides when it gets it
        keep({type: "check_in", ticket_hash: row.unknown});
        return ["warning", door.dataset.msgUnknownOffline, false, true];
      }
      return checkInHere(row);
    });
  }

  /* send the kept actions in order, a batch at a time; each comes back with its outcome */
  var syncTimer = null;
  function sync() {
    if (syncing || isOffline() || !store) { return Promise.resolve(); }
    syncing = true;
    showOffline();
    var sent = 0;
    // a fresh CSRF token first (the page may have been opened hours ago, offline)
    return getJSON(door.dataset.stateUrl).then(function (state) {
      if (state.csrf_token) { csrf = state.csrf_token; }
      return store.actionsOf(eventId);
    }).then(function sendSome(kept) {
      pending = kept.length;
      showOffline();
      if (kept.length === 0) { return null; }
      var batch = kept.slice(0, BATCH);
      return post(door.dataset.syncUrl, {actions: batch.map(function (k) { return k.action; })})
        .then(function (answer) {
          if (!answer.ok) { throw new Error(answer.code || "refused"); }
          answer.results.forEach(function (result) {
            // the undo button of a walk-in added offline now points at its registration
            if (lastUndo === "w-" + result.id && result.registration_id) {
              lastUndo = result.registration_id;
            }
            sent += 1;
            if (["checked_in", "undone", "already_checked_in", "not_checked_in"]
                .indexOf(result.outcome) === -1) {
              // visible: a ticket cancelled meanwhile, a check-in undone elsewhere later…
              report("danger", door.dataset.msgAfterSync + " " + (result.message || result.outcome));
            }
          });
          setCounts(answer.counts);
          return store.removeActions(batch.map(function (k) { return k.seq; }));
        })
        .then(function () { return store.actionsOf(eventId); })
        .then(sendSome);
    }).then(function () {
      syncing = false;
      networkDown = false;
      pending = 0;
      Object.keys(rows).forEach(function (id) { delete rows[id].local; });
      if (sent) { report("success", msg("msgSynced", {count: sent})); }
      showOffline();
      return download();
    }, function () {
      syncing = false;
      showOffline();
      if (syncTimer) { window.clearTimeout(syncTimer); }
      syncTimer = window.setTimeout(sync, SYNC_RETRY_MS);
    }).then(poll);
  }

  function report(kind, text) {
    var li = document.createElement("li");
    li.className = "list-group-item py-1 px-2 small list-group-item-" + kind;
    li.dataset.state = "done";
    li.textContent = text;
    recent.insertBefore(li, recent.firstChild);
    trimRecent();
  }

  window.addEventListener("online", function () { showOffline(); sync(); });
  window.addEventListener("offline", showOffline);

  /* -- online answers --------------------------------------------------------------------- */
  function handle(answer) {
    if (answer.ok) {
      var reg = answer.registration;
      takeAnswer(reg);
      setCounts(answer.counts);
      if (answer.status === "checked_in") {
        lastUndo = reg.id;
        show("success", answer.message, true);
      } else if (answer.status === "already_checked_in") {
        lastUndo = null;
        show("warning", answer.message, false);
      } else {
        lastUndo = null;
        show("secondary", answer.message, false);
      }
    } else {
      show("danger", answer.message || door.dataset.msgNetwork, false);
    }
    return answer;
  }

  function send(url, body) {
    return post(url, body).then(handle, function () {
      show("danger", door.dataset.msgNetwork, false);
      return null;
    });
  }

  /* the scan queue and its "recent scans" lines */
  function line(item, kind, text) {
    item.li.className = "list-group-item py-1 px-2 d-flex align-items-center gap-2 small";
    if (kind) { item.li.classList.add("list-group-item-" + kind); }
    item.li.dataset.state = item.state;
    item.text.textContent = text;
    // the button exists only while the scan is not done
    if (item.state === "failed") { item.li.appendChild(item.retry); } else { item.retry.remove(); }
  }

  function trimRecent() {
    var done = Array.prototype.filter.call(recent.children, function (li) {
      return li.dataset.state === "done";
    });
    done.slice(KEEP).forEach(function (li) { li.remove(); });
    recent.closest("section").hidden = recent.children.length === 0;
  }

  function enqueue(body, label) {
    var li = document.createElement("li");
    var text = document.createElement("span");
    text.className = "flex-grow-1 text-break";
    var retry = document.createElement("button");
    retry.type = "button";
    retry.className = "btn btn-sm btn-light border";
    retry.textContent = door.dataset.msgRetry;
    li.appendChild(text);
    var item = {body: body, label: label, li: li, text: text, retry: retry, tries: 0,
                state: "queued"};
    retry.addEventListener("click", function () {
      item.tries = 0;
      item.state = "queued";
      line(item, "", label + " · " + door.dataset.msgQueued);
      queue.push(item);
      pump();
    });
    line(item, "", label + " · " + door.dataset.msgQueued);
    recent.insertBefore(li, recent.firstChild);
    trimRecent();
    queue.push(item);
    pump();
  }

  function pump() {
    if (sending || queue.length === 0) { return; }
    var item = queue[0];
    sending = true;
    item.state = "sending";
    var work;
    if (keepsHere()) {
      // offline, or kept actions still wait (their order comes first): done on this phone
      work = doHere(item).then(function (outcome) {
        item.state = "done";
        show(outcome[0], outcome[1], outcome[2]);
        line(item, outcome[0], outcome[1] + (outcome[3] ? " · " + door.dataset.msgKept : ""));
        queue.shift();
        if (!isOffline()) { sync(); }
      });
    } else {
      line(item, "", item.label + " · " + (item.tries ? door.dataset.msgRetrying : door.dataset.msgSending));
      work = post(door.dataset.scanUrl, item.body).then(function (answer) {
        handle(answer);
        item.state = "done";
        var kind = !answer.ok ? "danger" : answer.status === "checked_in" ? "success" : "warning";
        line(item, kind, answer.message || door.dataset.msgNetwork);
        queue.shift();
      }, function () {
        item.tries += 1;
        if (isOffline()) { return null; }  // the network went: the next round keeps it here
        if (item.tries <= RETRIES) {
          line(item, "warning", item.label + " · " + door.dataset.msgRetrying);
          return new Promise(function (resolve) { window.setTimeout(resolve, RETRY_MS * item.tries); });
        }
        if (hasList()) {
          // no answer however often we ask: the phone works as offline until a sync succeeds
          // (a check-in that did arrive after all is answered "already" then: no harm)
          networkDown = true;
          showOffline();
          return null;
        }
        item.state = "failed";
        line(item, "danger", item.label + " · " + door.dataset.msgNotDone);
        show("danger", item.label + " · " + door.dataset.msgNotDone, false);
        queue.shift();
        return null;
      });
    }
    work.catch(function () {
      item.state = "failed";
      line(item, "danger", item.label + " · " + door.dataset.msgNotDone);
      queue.shift();
    }).then(function () {
      sending = false;
      trimRecent();
      pump();
    });
  }

  function shortCode(text) {
    var code = text.split("?")[0].split("#")[0].replace(/\/+$/, "");
    code = code.slice(code.lastIndexOf("/") + 1);
    return code.length > 10 ? code.slice(0, 8) + "…" : code;
  }

  function resetSearch() {
    input.value = "";
    render();
    input.focus();
  }

  /* the ticket's short code: 8 symbols without 0/O/1/I/L; case, spaces and dashes do not count */
  function looksLikeShortCode(text) {
    return /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/.test(text.replace(/[\s-]/g, "").toUpperCase());
  }

  function looksLikeCode(text) {
    return text.indexOf("/") !== -1 || (text.length >= 20 && !/\s/.test(text));
  }

  input.addEventListener("input", function () {
    if (!looksLikeCode(input.value.trim())) { render(); }
  });

  document.getElementById("door-search").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    if (looksLikeCode(text)) {
      // the field is free at once for the next code: this one waits its turn in the queue
      enqueue({code: text}, shortCode(text));
      resetSearch();
      return;
    }
    var found = render();
    if (found.length === 1) {
      enqueue({registration_id: found[0].id}, found[0].name);
      resetSearch();
      return;
    }
    if (found.length === 0 && looksLikeShortCode(text)) {
      // the short code under the QR, typed by hand: no name matched; the server (or, offline,
      // the list's hashes on this phone) looks it up
      enqueue({code: text}, text.replace(/[\s-]/g, "").toUpperCase());
      resetSearch();
      return;
    }
    // a code typed by hand (no spaces): the list on this phone knows its hash
    if (!/\s/.test(text)) {
      hashCode(text).then(function (digest) {
        if (digest && byHash[digest]) {
          enqueue({code: text}, shortCode(text));
          resetSearch();
        }
      });
    }
  });

  list.addEventListener("click", function (event) {
    var button = event.target.closest(".door-row");
    if (!button) { return; }
    var row = rows[button.closest("li").dataset.id];
    if (!row) { return; }
    enqueue({registration_id: row.id}, row.name);
    resetSearch();
  });

  undoButton.addEventListener("click", function () {
    if (lastUndo === null) { return; }
    var row = rows[lastUndo];
    lastUndo = null;
    undoButton.hidden = true;
    if (keepsHere() && row) { undoHere(row); if (!isOffline()) { sync(); } return; }
    send(door.dataset.undoUrl, {registration_id: row ? row.id : null});
  });

  /* -- walk-ins --------------------------------------------------------------------------- */
  var walkinForm = document.getElementById("walkin-form");
  var walkinError = document.getElementById("walkin-error");
  var walkinBusy = false;

  function fieldErrors(fields) {
    var first = null;
    Object.keys(fields || {}).forEach(function (key) {
      var field = walkinForm.elements[key];
      var message = walkinForm.querySelector('[data-field="' + key + '"]');
      if (field && message) {
        field.classList.add("is-invalid");
        field.setAttribute("aria-invalid", "true");
        message.textContent = fields[key];
        first = first || field;
      }
    });
    if (first) { first.focus(); }
    return first;
  }

  function walkInHere(body) {
    var fields = {};
    if (!body.name) { fields.name = door.dataset.msgNameRequired; }
    if (body.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.email)) {
      fields.email = door.dataset.msgEmailInvalid;
    }
    if (fieldErrors(fields)) { return; }
    keep({type: "walk_in", name: body.name, email: body.email, organization: body.organization})
      .then(function (action) {
        var id = "w-" + action.id;
        rows[id] = {id: id, name: body.name, organization: body.organization, status: "confirmed",
                    checked_in_at: action.device_time, checked_in_by: door.dataset.staffName,
                    code_hashes: [], local: true, walk_in_action_id: action.id};
        sorted = null;
        bump("registered", 1);
        bump("checked_in", 1);
        lastUndo = id;
        show("success", msg("msgCheckedIn", {name: body.name}), true);
        walkinForm.reset();
        document.getElementById("walkin").open = false;
        resetSearch();
        saveList();
        if (!isOffline()) { sync(); }
      });
  }

  walkinForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (walkinBusy) { return; }
    var body = {};
    ["name", "email", "organization"].forEach(function (key) {
      var field = walkinForm.elements[key];
      body[key] = field.value.trim();
      field.classList.remove("is-invalid");
      field.removeAttribute("aria-invalid");
      walkinForm.querySelector('[data-field="' + key + '"]').textContent = "";
    });
    walkinError.hidden = true;
    if (keepsHere()) { walkInHere(body); return; }
    walkinBusy = true;
    post(door.dataset.walkinUrl, body).then(function (answer) {
      if (answer.ok) {
        handle(answer);
        walkinForm.reset();
        document.getElementById("walkin").open = false;
        resetSearch();
        return;
      }
      // the reasons beside the fields; a reason without a field above the button
      if (!fieldErrors(answer.fields)) {
        walkinError.textContent = answer.message || door.dataset.msgNetwork;
        walkinError.hidden = false;
      }
    }, function () {
      walkinError.textContent = door.dataset.msgNetwork;
      walkinError.hidden = false;
    }).then(function () { walkinBusy = false; });
  });

  /* live counters and check-ins made on other devices: the database is the truth. The first
     poll (and every FULL_EVERY-th) reads every check-in; the others only what changed since
     the last answer's cursor, so a poll stays small at a big event */
  var cursor = null;
  var polls = 0;
  var FULL_EVERY = 15;
  function poll() {
    if (document.hidden || keepsHere() || syncing) { return; }
    var full = cursor === null || polls % FULL_EVERY === 0;
    polls += 1;
    var url = door.dataset.stateUrl + (full ? "" : "?after=" + cursor);
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state || pending > 0) { return; }
        if (state.csrf_token) { csrf = state.csrf_token; }
        setCounts(state.counts);
        cursor = state.cursor;
        var changed = false;
        var known = state.changes || state.checked_in;
        Object.keys(rows).forEach(function (id) {
          var row = rows[id];
          if (row.status !== "confirmed" || row.local) { return; }
          // a change list names only what moved; the full list names every check-in
          if (state.changes && !(id in state.changes)) { return; }
          var seen = known[id];
          var by = seen ? seen.by : null;
          var at = seen ? seen.checked_in_at : null;
          if (at !== row.checked_in_at || (seen && by !== row.checked_in_by)) {
            row.checked_in_at = at;
            row.checked_in_by = by;
            changed = true;
            redrawRow(id);
          }
        });
        if (changed) { saveList(); }
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }
  window.setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", poll);

  /* signing out clears what this phone keeps: not without a word while actions still wait */
  var signOut = document.querySelector('form[action$="/auth/logout"]');
  if (signOut) {
    signOut.addEventListener("submit", function (event) {
      if (pending > 0 && !window.confirm(msg("msgSignOutPending", {count: pending}))) {
        event.preventDefault();
      }
    });
  }

  /* -- start: the kept list at once, then the fresh one; the service worker -------------- */
  function start() {
    showOffline();
    render();
    if (!store) { download(); return; }
    store.tidy(userId, Date.now()).then(function () {
      return store.getList(eventId);
    }).then(function (kept) {
      if (kept && kept.user_id === userId) {
        takeList({hash: {key: kept.key}, keep_until: kept.keep_until, registrations: kept.rows}, true);
        loaded = true;
        indexRows();
        return importKey(kept.key).then(function (key) { hmacKey = key; render(); });
      }
      return null;
    }).then(function () {
      return store.actionsOf(eventId);
    }).then(function (kept) {
      pending = kept.length;
      showOffline();
      if (isOffline()) { return null; }
      return pending > 0 ? sync() : download();
    }).catch(function () { download(); });
  }
  start();

  if ("serviceWorker" in navigator && door.dataset.swUrl) {
    navigator.serviceWorker.register(door.dataset.swUrl, {scope: door.dataset.doorUrl})
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        // the files this page loaded (styles, scripts), kept by the worker for offline use
        var urls = [];
        document.querySelectorAll('link[rel="stylesheet"], script[src], link[rel="icon"]')
          .forEach(function (el) { urls.push(el.href || el.src); });
        if (registration.active) { registration.active.postMessage({type: "keep", urls: urls}); }
      })
      .catch(function () { /* no worker (private mode): the page still works online */ });
  }

  /* camera: the browser's own BarcodeDetector, only where it exists */
  var cameraButton = document.getElementById("door-camera");
  var videoBox = document.getElementById("door-video-box");
  var video = document.getElementById("door-video");
  var stream = null;
  var timer = null;

  function stopCamera() {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    videoBox.hidden = true;
  }

  if ("BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") === -1) { return; }
      var detector = new window.BarcodeDetector({formats: ["qr_code"]});
      cameraButton.hidden = false;
      var lastCode = "";

      function look() {
        if (!stream) { return; }
        detector.detect(video).then(function (codes) {
          var code = codes.length ? codes[0].rawValue : "";
          if (code && code !== lastCode) {
            lastCode = code;
            enqueue({code: code}, shortCode(code));
            window.setTimeout(function () { lastCode = ""; }, 3000);
          }
        }).catch(function () { /* a frame without a code */ }).then(function () {
          timer = window.setTimeout(look, 250);
        });
      }

      cameraButton.addEventListener("click", function () {
        if (stream) { stopCamera(); return; }
        navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false})
          .then(function (s) {
            stream = s;
            video.srcObject = s;
            videoBox.hidden = false;
            return video.play();
          })
          .then(look)
          .catch(function () { stopCamera(); show("danger", door.dataset.msgCamera, false); });
      });
      document.getElementById("door-camera-stop").addEventListener("click", stopCamera);
    }).catch(function () { /* no detector after all: the button stays hidden */ });
  }
})();
