/* coopnet door: what a door device keeps in IndexedDB, for working without network.
 *
 *   lists    one record per event: the door list (names, organisations, state and the
 *            ticket codes only as HMAC-SHA256 hashes), the event's hash key, whose it is
 *            (user id) and until when it may be kept (the event's end plus a margin).
 *   actions  what staff did offline, in order (auto-incremented key): check-ins, undos and
 *            walk-ins with their id and device time, waiting to be sent.
 *
 * Another staff member signing in on the same browser does not get the first one's list:
 * lists of another user are wiped (their actions still waiting are sent with the next sync).
 * Signing out clears the site's storage (the server sends Clear-Site-Data); the door page
 * asks first when actions still wait. No third-party code. */
(function () {
  "use strict";
  var NAME = "coopnet-door";
  var VERSION = 1;
  var opened = null;

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function open() {
    if (opened) { return opened; }
    if (!window.indexedDB) { return Promise.reject(new Error("no IndexedDB")); }
    var request = window.indexedDB.open(NAME, VERSION);
    request.onupgradeneeded = function () {
      var db = request.result;
      if (!db.objectStoreNames.contains("lists")) {
        db.createObjectStore("lists", {keyPath: "event_id"});
      }
      if (!db.objectStoreNames.contains("actions")) {
        var actions = db.createObjectStore("actions", {keyPath: "seq", autoIncrement: true});
        actions.createIndex("event_id", "event_id");
      }
    };
    opened = promised(request);
    return opened;
  }

  function run(storeName, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var result;
        Promise.resolve(work(tx.objectStore(storeName))).then(function (value) {
          result = value;
        });
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function all(store) { return promised(store.getAll()); }

  /* Keep only the lists of this user that have not expired; returns nothing. */
  function tidy(userId, now) {
    return run("lists", "readwrite", function (lists) {
      return all(lists).then(function (records) {
        records.forEach(function (record) {
          if (record.user_id !== userId || Date.parse(record.keep_until) < now) {
            lists.delete(record.event_id);
          }
        });
      });
    });
    // actions waiting to be sent stay, whoever did them: a check-in done at the door is
    // never thrown away here (signing out asks first, then clears everything)
  }

  function getList(eventId) {
    return run("lists", "readonly", function (lists) { return promised(lists.get(eventId)); });
  }

  function putList(record) {
    return run("lists", "readwrite", function (lists) { lists.put(record); });
  }

  function addAction(record) {
    return run("actions", "readwrite", function (actions) {
      return promised(actions.add(record));
    });
  }

  function actionsOf(eventId) {
    return run("actions", "readonly", function (actions) {
      return promised(actions.index("event_id").getAll(eventId)).then(function (records) {
        return records.sort(function (a, b) { return a.seq - b.seq; });
      });
    });
  }

  function removeActions(seqs) {
    return run("actions", "readwrite", function (actions) {
      seqs.forEach(function (seq) { actions.delete(seq); });
    });
  }

  window.DoorStore = {open: open, tidy: tidy, getList: getList, putList: putList,
                      addAction: addAction, actionsOf: actionsOf, removeActions: removeActions};
})();
