/* coopnet door check-in: scan or search, one tap to check in, live counters.
 * No reloads: every action is one JSON request to the staff endpoints of the page
 * (CSRF token from the meta tag, sent as X-CSRFToken). No third-party code.
 * Scans never get lost: each one joins a queue on this device and gets its own line in
 * "recent scans"; they are sent one after another, in order, however slow the network.
 * A request that fails is tried again; after that it stays visible as "not done" with a
 * button to try again. A check-in is safe to repeat (the second says "already"). */
(function () {
  "use strict";
  var door = document.getElementById("door");
  if (!door) { return; }
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var input = document.getElementById("door-input");
  var list = document.getElementById("door-list");
  var empty = document.getElementById("door-empty");
  var feedback = document.getElementById("door-feedback");
  var feedbackText = document.getElementById("door-feedback-text");
  var undoButton = document.getElementById("door-undo");
  var recent = document.getElementById("door-recent");
  var lastRegistrationId = null;
  var POLL_MS = 4000;
  var RETRIES = 2;            // automatic tries after the first, then "not done"
  var RETRY_MS = 1500;
  var KEEP = 8;               // finished lines kept in "recent scans"
  var queue = [];             // scans not answered yet, in the order they came
  var sending = false;

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": csrf},
      body: JSON.stringify(body)
    }).then(function (response) {
      // a gateway error or a page instead of our JSON: the request did not get through
      if (response.status >= 500 || response.status === 429) { throw new Error("unavailable"); }
      return response.json().catch(function () { throw new Error("not json"); });
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

  function setCounts(counts) {
    if (!counts) { return; }
    Object.keys(counts).forEach(function (key) {
      var el = door.querySelector('[data-count="' + key + '"]');
      if (el) { el.textContent = counts[key] === null ? "∞" : counts[key]; }
    });
  }

  function rowFor(id) { return list.querySelector('li[data-id="' + id + '"]'); }

  function setRowState(li, checkedIn, at, by) {
    var state = li.querySelector(".door-state");
    var waiting = li.querySelector("[data-waiting]");
    // a waiting person keeps the waiting badge until they are let in (then checked in)
    if (waiting && !checkedIn) { return; }
    if (waiting) { waiting.removeAttribute("data-waiting"); }
    state.textContent = "";
    if (checkedIn) {
      var badge = document.createElement("span");
      badge.className = "badge text-bg-success";
      badge.textContent = "✓ " + at + (by ? " · " + by : "");
      state.appendChild(badge);
    }
  }

  function addRow(reg) {
    var li = document.createElement("li");
    li.className = "list-group-item p-0";
    li.dataset.id = reg.id;
    li.dataset.search = (reg.name + " " + reg.organization + " " + reg.email).toLowerCase();
    var button = document.createElement("button");
    button.type = "button";
    button.className = "door-row btn w-100 text-start d-flex justify-content-between align-items-center gap-2 py-2 px-3";
    var who = document.createElement("span");
    var name = document.createElement("span");
    name.className = "d-block fw-semibold text-truncate";
    name.textContent = reg.name;
    var sub = document.createElement("span");
    sub.className = "d-block small text-body-secondary text-truncate";
    sub.textContent = reg.organization || reg.email || "";
    who.appendChild(name);
    who.appendChild(sub);
    var state = document.createElement("span");
    state.className = "door-state text-nowrap small";
    button.appendChild(who);
    button.appendChild(state);
    li.appendChild(button);
    list.insertBefore(li, list.firstChild);
    return li;
  }

  function handle(answer) {
    if (answer.ok) {
      var reg = answer.registration;
      var li = rowFor(reg.id) || addRow(reg);
      setRowState(li, reg.checked_in, reg.at, reg.by);
      setCounts(answer.counts);
      if (answer.status === "checked_in") {
        lastRegistrationId = reg.id;
        show("success", answer.message, true);
      } else if (answer.status === "already_checked_in") {
        lastRegistrationId = null;
        show("warning", answer.message, false);
      } else {
        lastRegistrationId = null;
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
    line(item, "", item.label + " · " + (item.tries ? door.dataset.msgRetrying : door.dataset.msgSending));
    post(door.dataset.scanUrl, item.body).then(function (answer) {
      handle(answer);
      item.state = "done";
      var kind = !answer.ok ? "danger" : answer.status === "checked_in" ? "success" : "warning";
      line(item, kind, answer.message || door.dataset.msgNetwork);
      queue.shift();
    }, function () {
      item.tries += 1;
      if (item.tries <= RETRIES) {
        line(item, "warning", item.label + " · " + door.dataset.msgRetrying);
        return new Promise(function (resolve) { window.setTimeout(resolve, RETRY_MS * item.tries); });
      }
      item.state = "failed";
      line(item, "danger", item.label + " · " + door.dataset.msgNotDone);
      show("danger", item.label + " · " + door.dataset.msgNotDone, false);
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

  function nameOf(li) {
    var name = li.querySelector(".fw-semibold");
    return name ? name.textContent : "#" + li.dataset.id;
  }

  function resetSearch() {
    input.value = "";
    filter();
    input.focus();
  }

  function filter() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    Array.prototype.forEach.call(list.children, function (li) {
      var text = li.dataset.search || "";
      var match = words.every(function (w) { return text.indexOf(w) !== -1; });
      li.hidden = !match;
      if (match) { shown += 1; }
    });
    empty.hidden = shown > 0;
    return shown;
  }

  /* the ticket's short code: 8 symbols without 0/O/1/I/L; case, spaces and dashes do not count */
  function looksLikeShortCode(text) {
    return /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/.test(text.replace(/[\s-]/g, "").toUpperCase());
  }

  function looksLikeCode(text) {
    return text.indexOf("/") !== -1 || (text.length >= 20 && !/\s/.test(text));
  }

  input.addEventListener("input", function () {
    if (!looksLikeCode(input.value.trim())) { filter(); }
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
    var found = filter();
    if (found === 1) {
      var only = Array.prototype.filter.call(list.children, function (li) { return !li.hidden; })[0];
      enqueue({registration_id: Number(only.dataset.id)}, nameOf(only));
      resetSearch();
    } else if (found === 0 && looksLikeShortCode(text)) {
      // the short code under the QR, typed by hand: no name matched, the server looks it up
      enqueue({code: text}, text.toUpperCase());
      resetSearch();
    }
  });

  list.addEventListener("click", function (event) {
    var button = event.target.closest(".door-row");
    if (!button) { return; }
    var li = button.closest("li");
    enqueue({registration_id: Number(li.dataset.id)}, nameOf(li));
    resetSearch();
  });

  undoButton.addEventListener("click", function () {
    if (lastRegistrationId === null) { return; }
    send(door.dataset.undoUrl, {registration_id: lastRegistrationId});
    lastRegistrationId = null;
  });

  var walkinForm = document.getElementById("walkin-form");
  var walkinError = document.getElementById("walkin-error");
  var walkinBusy = false;
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
      var first = null;
      Object.keys(answer.fields || {}).forEach(function (key) {
        var field = walkinForm.elements[key];
        var message = walkinForm.querySelector('[data-field="' + key + '"]');
        if (field && message) {
          field.classList.add("is-invalid");
          field.setAttribute("aria-invalid", "true");
          message.textContent = answer.fields[key];
          first = first || field;
        }
      });
      if (first) { first.focus(); } else {
        walkinError.textContent = answer.message || door.dataset.msgNetwork;
        walkinError.hidden = false;
      }
    }, function () {
      walkinError.textContent = door.dataset.msgNetwork;
      walkinError.hidden = false;
    }).then(function () { walkinBusy = false; });
  });

  /* live counters and check-ins made on other devices: the database is the truth */
  function poll() {
    if (document.hidden) { return; }
    fetch(door.dataset.stateUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        setCounts(state.counts);
        Array.prototype.forEach.call(list.children, function (li) {
          var seen = state.checked_in[li.dataset.id];
          setRowState(li, Boolean(seen), seen ? seen.at : "", seen ? seen.by : "");
        });
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }
  window.setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", poll);

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
