// The landing page's script (landing_page.hpp): it fetches the /api/v1/sessions document
// (without items) every few seconds and redraws the summary, the problems, the sessions and
// the hosts in place, as the server drew them (cockpit_view.cpp, landing_page.cpp), and adds
// sorting, filters, expandable rows and "show all". Every string from the document is
// inserted as text (textContent, text nodes, data-* attributes), never parsed as markup.
// Embedded into the page at build time (embed_assets.cmake): printable ASCII only.
(function () {
  "use strict";

  var body = document.body;
  var config = {
    api: body.dataset.api || "/api/v1/sessions",
    refresh: Number(body.dataset.refresh) || 0,
    maxProblems: Number(body.dataset.maxProblems) || 10,
    maxCauses: Number(body.dataset.maxCauses) || 10,
    maxAccountsPerCause: Number(body.dataset.maxAccountsPerCause) || 8,
    maxDangerous: Number(body.dataset.maxDangerous) || 10,
    maxHostRows: Number(body.dataset.maxHostRows) || 25,
    maxTexts: 3,
    sessionRowsStep: 200
  };
  var ui = {
    sort: { key: "host", dir: 1 },
    expanded: new Set(), // session keys whose details are open
    showAll: new Set(), // lists shown whole: "failed", "cause:TEXT", "dangerous", ...
    sessionRows: config.sessionRowsStep,
    view: null,
    updates: 0,
    lastSuccess: null
  };
  var DOT = " \u00B7 ";

  // ---- Formatting: the same as page_format.cpp ----

  function formatCount(n) {
    var s = String(Math.round(n));
    var sign = s.charAt(0) === "-" ? "-" : "";
    var digits = sign ? s.slice(1) : s;
    var out = "";
    for (var k = 0; k < digits.length; k++) {
      if (k > 0 && (digits.length - k) % 3 === 0) out += ",";
      out += digits.charAt(k);
    }
    return sign + out;
  }

  function countOrUnknown(n) {
    return n === null || n === undefined ? "?" : formatCount(n);
  }

  function formatBytes(bytes) {
    if (bytes < 1024) return String(bytes) + " B";
    var units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    var value = bytes / 1024;
    var unit = 0;
    while (value >= 1024 && unit + 1 < units.length) {
      value /= 1024;
      unit++;
    }
    return oneDecimal(value) + " " + units[unit];
  }

  function formatDuration(seconds) {
    if (!isFinite(seconds) || seconds < 0) return "?";
    var s = Math.round(seconds);
    var two = function (big, bigUnit, small, unit) {
      return String(big) + bigUnit + (small > 0 ? " " + small + unit : "");
    };
    if (s < 90) return s + " s";
    if (s < 90 * 60) return Math.floor((s + 30) / 60) + " min";
    var minutes = Math.floor((s + 30) / 60);
    if (minutes < 48 * 60) return two(Math.floor(minutes / 60), " h", minutes % 60, " min");
    var hours = Math.floor((s + 1800) / 3600);
    return two(Math.floor(hours / 24), " d", hours % 24, " h");
  }

  function formatRate(perHour) {
    if (!isFinite(perHour)) return "?";
    if (Math.abs(perHour) >= 10) return formatCount(perHour);
    return oneDecimal(perHour);
  }

  // One decimal, halves rounded up (page_format.cpp one_decimal).
  function oneDecimal(v) {
    var tenths = Math.floor(v * 10 + 0.5);
    var a = Math.abs(tenths);
    return (tenths < 0 ? "-" : "") + Math.floor(a / 10) + "." + (a % 10);
  }

  // A long text from a log or a server, cut for the overview (landing_page.cpp kShortText).
  function shorten(text) {
    return text.length > 300 ? text.slice(0, 299) + "\u2026" : text;
  }

  function formatUtc(t) {
    var d = new Date(Math.floor(t) * 1000);
    if (isNaN(d.getTime())) return "?";
    return d.toISOString().slice(0, 19).replace("T", " ") + " UTC";
  }

  function formatAge(then, now) {
    if (then === null || then === undefined) return "never";
    var age = now - then;
    if (!isFinite(age) || age < 1) return "just now";
    var whole = Math.floor(age);
    if (whole < 120) return whole + " s ago";
    if (whole < 2 * 3600) return Math.floor(whole / 60) + " min ago";
    if (whole < 2 * 86400) return Math.floor(whole / 3600) + " h ago";
    return Math.floor(whole / 86400) + " d ago";
  }

  function when(at, now) {
    if (at === null || at === undefined) return "?";
    if (at <= now) return "due now";
    return "in " + formatDuration(at - now);
  }

  function isDigit(c) {
    return c >= "0" && c <= "9";
  }

  function asciiLower(c) {
    return c >= "A" && c <= "Z" ? c.toLowerCase() : c;
  }

  // Natural order (page_format.cpp natural_less): digit runs as numbers, letters without case.
  function naturalCompare(a, b) {
    var i = 0;
    var j = 0;
    while (i < a.length && j < b.length) {
      if (isDigit(a[i]) && isDigit(b[j])) {
        while (i < a.length && a[i] === "0") i++;
        while (j < b.length && b[j] === "0") j++;
        var ai = i;
        var bj = j;
        while (i < a.length && isDigit(a[i])) i++;
        while (j < b.length && isDigit(b[j])) j++;
        if (i - ai !== j - bj) return i - ai < j - bj ? -1 : 1;
        var x = a.slice(ai, i);
        var y = b.slice(bj, j);
        if (x !== y) return x < y ? -1 : 1;
        continue;
      }
      var p = asciiLower(a[i]);
      var q = asciiLower(b[j]);
      if (p !== q) return p < q ? -1 : 1;
      i++;
      j++;
    }
    var restA = a.length - i;
    var restB = b.length - j;
    if (restA !== restB) return restA < restB ? -1 : 1;
    return a === b ? 0 : a < b ? -1 : 1;
  }

  // ---- The view: the same as cockpit_view.cpp ----

  var STATE_ORDER = ["FAILED", "ABORTED", "ABORTING", "REACHEDMAXMEM", "PAUSING", "PAUSED",
    "RUNNING", "TRANSFER_INPROGRESS", "RESTORE_INPROGRESS", "PENDING", "TRANSFER_PENDING",
    "RESTORE_PENDING", "COMPLETED"];

  function stateRank(state) {
    var k = STATE_ORDER.indexOf(state);
    return k < 0 ? STATE_ORDER.length : k;
  }

  function num(v) {
    return typeof v === "number" && isFinite(v) ? v : null;
  }

  function str(v) {
    return typeof v === "string" ? v : "";
  }

  function list(v) {
    return Array.isArray(v) ? v : [];
  }

  function readAccounts(a) {
    a = a && typeof a === "object" ? a : {};
    return { total: num(a.total), done: num(a.done), failed: num(a.failed),
      dangerous: num(a.with_dangerous_items), remaining: num(a.remaining) };
  }

  function readSession(s) {
    var summary = s.summary && typeof s.summary === "object" ? s.summary : {};
    var info = summary.session && typeof summary.session === "object" ? summary.session : {};
    var queues = summary.queues && typeof summary.queues === "object" ? summary.queues : {};
    var throughput = s.throughput && typeof s.throughput === "object" ? s.throughput : {};
    var failed = list(s.failed_accounts).map(function (a) {
      var r = { account: str(a.account), queue: str(a.queue), failure: str(a.failure),
        cause: str(a.cause) };
      if (!r.cause) r.cause = r.failure;
      return r;
    });
    var dangerous = list(s.dangerous_accounts).map(function (a) {
      return { account: str(a.account), items: num(a.dangerous_items) || 0,
        texts: list(a.texts).filter(function (t) { return typeof t === "string"; }) };
    });
    var names = list(s.account_names).filter(function (n) { return typeof n === "string"; });
    list(summary.items).forEach(function (i) { if (typeof i.item === "string") names.push(i.item); });
    failed.forEach(function (a) { names.push(a.account); });
    dangerous.forEach(function (a) { names.push(a.account); });
    return {
      raw: s, host: str(s.host), id: str(s.session_id),
      state: typeof s.state === "string" ? s.state : null,
      unknownReason: str(s.state_unknown_reason), waitingForEnd: s.waiting_for_end === true,
      finished: s.finished === true, lastError: str(s.last_error), info: info, queues: queues,
      transfer: queues.TRANSFER && typeof queues.TRANSFER === "object" ? queues.TRANSFER : null,
      accounts: readAccounts(s.accounts), throughput: throughput,
      rate: num(throughput.accounts_per_hour), eta: num(s.estimated_completion),
      stalled: num(s.stalled_seconds), failed: failed, dangerous: dangerous,
      slowest: list(s.slowest_accounts),
      names: names.map(function (n) { return n.toLowerCase(); }), hostDown: false
    };
  }

  function readHost(h) {
    var r = { name: str(h.name), kind: str(h.kind), up: h.up === true,
      lastSuccess: num(h.last_success), lastPoll: num(h.last_poll),
      reason: str(h.last_error_reason), message: str(h.last_error_message),
      insecure: h.tls_insecure === true, sessions: num(h.sessions) || 0,
      logAccess: str(h.log_access), logAccessDescription: str(h.log_access_description) };
    r.down = !r.up && r.lastPoll !== null;
    return r;
  }

  function isFailedOrAborted(s) {
    return s.state === "FAILED" || s.state === "ABORTED";
  }

  function isStuck(s) {
    return ["REACHEDMAXMEM", "PAUSED", "PAUSING", "ABORTING"].indexOf(s.state) >= 0;
  }

  function hostOrder(a, b) {
    if (a.down !== b.down) return a.down ? -1 : 1;
    return naturalCompare(a.name, b.name);
  }

  function sessionOrder(a, b) {
    if (a.hostDown !== b.hostDown) return a.hostDown ? -1 : 1;
    if (a.host !== b.host) return naturalCompare(a.host, b.host);
    return naturalCompare(a.id, b.id);
  }

  function readSummary(doc, view) {
    var s = doc.summary && typeof doc.summary === "object" ? doc.summary : null;
    var out = { known: !!s, sessions: view.sessions.length, hosts: view.hosts.length,
      byState: [], accounts: readAccounts(null), bytesTotal: null, bytesDone: null, rate: null,
      eta: null, withoutEstimate: null, hostsDown: null };
    if (!s) return out;
    var by = s.sessions_by_state && typeof s.sessions_by_state === "object" ?
      s.sessions_by_state : {};
    Object.keys(by).forEach(function (k) { out.byState.push([k, num(by[k]) || 0]); });
    out.byState.sort(function (a, b) {
      var ra = stateRank(a[0]);
      var rb = stateRank(b[0]);
      return ra !== rb ? ra - rb : naturalCompare(a[0], b[0]);
    });
    out.accounts = readAccounts(s.accounts);
    out.bytesTotal = num(s.bytes_total);
    out.bytesDone = num(s.bytes_done);
    out.rate = num(s.accounts_per_hour);
    out.eta = num(s.estimated_completion);
    out.withoutEstimate = num(s.sessions_without_estimate);
    out.hostsDown = num(s.hosts_down);
    return out;
  }

  function buildView(doc) {
    var view = { hosts: list(doc.hosts).map(readHost), sessions: list(doc.sessions).map(readSession),
      failed: [], stalled: [], down: [], stuck: [], unreadable: [], causes: [], dangerous: [],
      altered: 0, sessionsWithAltered: 0 };
    var down = new Set();
    view.hosts.forEach(function (h) { if (h.down) down.add(h.name); });
    view.sessions.forEach(function (s) { s.hostDown = down.has(s.host); });
    view.hosts.sort(hostOrder);
    view.sessions.sort(sessionOrder);
    view.summary = readSummary(doc, view);
    view.sessions.forEach(function (s, index) {
      s.index = index;
      if (isFailedOrAborted(s)) view.failed.push(s);
      else if (s.stalled !== null) view.stalled.push(s);
      else if (isStuck(s)) view.stuck.push(s);
      else if (s.lastError && !s.hostDown) view.unreadable.push(s);
    });
    view.stalled.sort(function (a, b) { return b.stalled - a.stalled; });
    view.down = view.hosts.filter(function (h) { return h.down; });
    var causes = new Map();
    view.sessions.forEach(function (s) {
      s.failed.forEach(function (a) {
        if (!causes.has(a.cause)) {
          causes.set(a.cause, { cause: a.cause, accounts: [] });
          view.causes.push(causes.get(a.cause));
        }
        causes.get(a.cause).accounts.push({ session: s, account: a });
      });
      s.dangerous.forEach(function (a) { view.dangerous.push({ session: s, account: a }); });
      var altered = 0;
      Object.keys(s.queues).forEach(function (q) { altered += num(s.queues[q].altered_items) || 0; });
      view.altered += altered;
      if (altered > 0) view.sessionsWithAltered++;
    });
    view.causes.sort(function (a, b) {
      if (a.accounts.length !== b.accounts.length) return b.accounts.length - a.accounts.length;
      return a.cause === b.cause ? 0 : a.cause < b.cause ? -1 : 1;
    });
    return view;
  }

  // ---- Elements, with text only ----

  // el("td", {class: "num", "data-value": 3}, [children]): strings become text nodes.
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "class") e.className = v;
        else e.setAttribute(k, v === true ? "" : String(v));
      });
    }
    add(e, children);
    return e;
  }

  function add(parent, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) c.forEach(function (x) { add(parent, x); });
    else if (typeof c === "object") parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }

  function replaceChildren(parent, children) {
    while (parent.firstChild) parent.removeChild(parent.firstChild);
    add(parent, children);
  }

  function exact(v) {
    return v === null || v === undefined ? "" : String(v);
  }

  function stateClass(state) {
    return state && state.length <= 40 && /^[A-Z_]+$/.test(state) ? "st-" + state : "";
  }

  function badge(cls, text) {
    return el("span", { class: "badge" + (cls ? " " + cls : "") }, text);
  }

  function summaryCount(field, v) {
    return el("span", { "data-summary": field, "data-value": exact(v) }, countOrUnknown(v));
  }

  function bar(done, total) {
    // An empty bar when a number is unknown (a <progress> without value would move).
    if (total !== null && total > 0 && done !== null) {
      return el("progress", { max: total, value: Math.min(Math.max(done, 0), total) });
    }
    return el("progress", { max: 1, value: 0 });
  }

  function now() {
    return Date.now() / 1000;
  }

  // ---- Summary ----

  function tile(title, big, rest, bigClass) {
    return el("div", { class: "tile" }, [el("h2", null, title),
      el("p", { class: "big" + (bigClass ? " " + bigClass : "") }, big), rest]);
  }

  function fact(field, v, what, highlight) {
    return el("li", { class: highlight && v > 0 ? highlight : null },
      [summaryCount(field, v), " " + what]);
  }

  function renderSummary(view) {
    var s = view.summary;
    var a = s.accounts;
    var states = el("ul", null, s.byState.map(function (p) {
      return el("li", null, [badge(stateClass(p[0]), p[0]), " ",
        summaryCount("sessions_by_state." + p[0], p[1])]);
    }));
    var bytes = function (field, v) {
      return el("span", { "data-summary": field, "data-value": exact(v) },
        v === null ? "?" : formatBytes(v));
    };
    var t = now();
    replaceChildren(document.getElementById("tiles"), [
      tile("Sessions", summaryCount("sessions", s.sessions), states),
      tile("Accounts", [summaryCount("accounts.done", a.done), " ",
        el("span", { class: "of" }, ["of ", summaryCount("accounts.total", a.total), " done"])],
        [bar(a.done, a.total), el("ul", null, [
          fact("accounts.failed", a.failed, "failed", "bad"),
          fact("accounts.with_dangerous_items", a.dangerous, "with dangerous items", "warn"),
          fact("accounts.remaining", a.remaining, "remaining")])]),
      tile("Data", [bytes("bytes_done", s.bytesDone), " ",
        el("span", { class: "of" }, ["of ", bytes("bytes_total", s.bytesTotal)])],
        bar(s.bytesDone, s.bytesTotal)),
      tile("Throughput", [el("span", { "data-summary": "accounts_per_hour",
        "data-value": exact(s.rate) }, s.rate === null ? "?" : formatRate(s.rate)), " ",
        el("span", { class: "of" }, "accounts/h")]),
      tile("Estimated completion", el("span", { "data-summary": "estimated_completion",
        "data-value": exact(s.eta) }, when(s.eta, t)),
        el("ul", null, [el("li", null, s.eta === null ?
          "no throughput to estimate from yet" : formatUtc(s.eta)),
          s.withoutEstimate > 0 ? el("li", null, [summaryCount("sessions_without_estimate",
            s.withoutEstimate), " sessions without an estimate"]) : null])),
      tile("Hosts", [summaryCount("hosts_down", s.hostsDown), " ",
        el("span", { class: "of" }, ["down of ", summaryCount("hosts", s.hosts)])], null,
        s.hostsDown > 0 ? "bad" : "")
    ]);
  }

  // ---- Problems ----

  function sessionName(s) {
    return [el("strong", null, s.host), " ", el("code", null, s.id)];
  }

  function problem(level, kind, s, children) {
    return el("li", { class: level, "data-kind": kind, "data-host": s ? s.host : null,
      "data-session": s ? s.id : null }, children);
  }

  function accountsPhrase(a) {
    if (a.total === null) return null;
    return ": " + countOrUnknown(a.done) + " of " + formatCount(a.total) + " accounts done, " +
      countOrUnknown(a.failed) + " failed";
  }

  // Up to `max` items of `items` drawn (all of them once shown whole), and the list item
  // with the button that shows the rest (or fewer again), null when all fit.
  function limited(items, max, key, what, draw) {
    var all = ui.showAll.has(key);
    var out = { shown: items.slice(0, all ? items.length : max).map(draw), more: null };
    if (items.length > max) {
      var label = all ? "show fewer" : "+ " + formatCount(items.length - max) + " more " + what;
      out.more = el("li", { class: "more", "data-kind": key },
        el("button", { type: "button", class: "more", "data-show": key }, label));
    }
    return out;
  }

  function both(r) {
    return [r.shown, r.more];
  }

  function problemItems(view) {
    var t = now();
    var none = !view.failed.length && !view.stalled.length && !view.down.length &&
      !view.stuck.length && !view.unreadable.length;
    if (none) return el("p", { class: "ok" }, "No failed, stalled or stuck session; every host is up.");
    var max = config.maxProblems;
    return el("ul", { class: "problems" }, [
      both(limited(view.failed, max, "failed", "failed or aborted sessions", function (s) {
        return problem("bad", "failed", s, [badge(stateClass(s.state), s.state), " ",
          sessionName(s), accountsPhrase(s.accounts)]);
      })),
      both(limited(view.stalled, max, "stalled", "stalled sessions", function (s) {
        var d = formatDuration(s.stalled);
        return problem("bad", "stalled", s, [badge("bad", "stalled " + d), " ", sessionName(s),
          ": " + (s.state === null ? "unknown" : s.state) +
          ", no log growth and no new event for " + d]);
      })),
      both(limited(view.down, max, "host-down", "hosts down", function (h) {
        return el("li", { class: "bad", "data-kind": "host-down", "data-host": h.name }, [
          badge("down", "down"), " ", el("strong", null, h.name), ": " +
          (h.reason ? h.reason + ": " : "") + shorten(h.message) + "; " + formatCount(h.sessions) +
          (h.sessions === 1 ? " session" : " sessions") + " not read; last success " +
          formatAge(h.lastSuccess, t)]);
      })),
      both(limited(view.stuck, max, "stuck", "paused or stuck sessions", function (s) {
        return problem("warn", "stuck", s, [badge(stateClass(s.state), s.state), " ",
          sessionName(s)]);
      })),
      both(limited(view.unreadable, max, "unreadable", "sessions with a read error", function (s) {
        return problem("warn", "unreadable", s, [badge("warn", "read error"), " ", sessionName(s),
          ": " + shorten(s.lastError)]);
      }))
    ]);
  }

  function causesTable(view) {
    var out = [el("h3", null, "Failed accounts by cause")];
    if (!view.causes.length) return out.concat(el("p", { class: "empty" }, "No failed account."));
    var rows = limited(view.causes, config.maxCauses, "causes", "causes", function (g) {
      var key = "cause:" + g.cause;
      return el("tr", null, [
        el("td", { class: "text c-cause" }, shorten(g.cause)),
        el("td", { class: "num c-count", "data-value": g.accounts.length },
          formatCount(g.accounts.length)),
        el("td", null, el("ul", { class: "accounts" },
          both(limited(g.accounts, config.maxAccountsPerCause, key, "accounts", function (r) {
            return el("li", null, [el("strong", null, r.account.account), " ",
              el("span", { class: "muted" }, r.session.host + DOT + r.session.id)]);
          }))))]);
    });
    out.push(el("table", { class: "causes" }, [el("thead", null, el("tr", null, [
      el("th", null, "Cause"), el("th", { class: "num" }, "Accounts"),
      el("th", null, "Which (host" + DOT + "session)")])), el("tbody", null, rows.shown)]));
    if (rows.more) out.push(el("ul", { class: "problems" }, rows.more));
    return out;
  }

  function dangerousTable(view) {
    var out = [el("h3", null, "Dangerous items")];
    if (!view.dangerous.length) {
      out.push(el("p", { class: "empty" }, "No dangerous item."));
    } else {
      var rows = limited(view.dangerous, config.maxDangerous, "dangerous",
        "accounts with dangerous items", function (r) {
          var s = r.session;
          var a = r.account;
          return el("tr", { "data-host": s.host, "data-session": s.id, "data-account": a.account }, [
            el("td", null, el("strong", null, a.account)),
            el("td", null, [s.host, " ", el("code", null, s.id)]),
            el("td", { class: "num c-dcount", "data-value": a.items }, formatCount(a.items)),
            el("td", null, el("ul", { class: "texts" }, [
              a.texts.slice(0, config.maxTexts).map(function (text) {
                return el("li", { class: "text" }, shorten(text));
              }),
              a.texts.length > config.maxTexts ? el("li", { class: "more" }, "+ " +
                formatCount(a.texts.length - config.maxTexts) + " more in the session's details") : null
            ]))]);
        });
      out.push(el("table", { class: "dangerous" }, [el("thead", null, el("tr", null, [
        el("th", null, "Account"), el("th", null, "Host and session"),
        el("th", { class: "num" }, "Dangerous items"), el("th", null, "What")])),
        el("tbody", null, rows.shown)]));
      if (rows.more) out.push(el("ul", { class: "problems" }, rows.more));
    }
    if (view.altered > 0) {
      out.push(el("p", { class: "muted", id: "altered" }, formatCount(view.altered) +
        " harmless altered items (restored under another name) in " +
        formatCount(view.sessionsWithAltered) + " sessions: see each session's details."));
    }
    return out;
  }

  function renderProblems(view) {
    replaceChildren(document.getElementById("problems-body"),
      [problemItems(view), causesTable(view), dangerousTable(view)]);
  }

  // ---- Sessions ----

  function sessionKey(s) {
    return s.host + "\u0000" + s.id;
  }

  function hasProblem(s) {
    return s.state === null || isFailedOrAborted(s) || isStuck(s) || s.stalled !== null ||
      s.hostDown || !!s.lastError || (s.accounts.failed || 0) > 0 ||
      (s.accounts.dangerous || 0) > 0;
  }

  function matches(s, filters) {
    if (filters.host && s.host !== filters.host) return false;
    if (filters.state === "problems" && !hasProblem(s)) return false;
    if (filters.state && filters.state !== "problems" &&
        (s.state === null ? "unknown" : s.state) !== filters.state) return false;
    if (filters.account) {
      var needle = filters.account.toLowerCase();
      if (!s.names.some(function (n) { return n.indexOf(needle) >= 0; })) return false;
    }
    return true;
  }

  function bytesDone(s) {
    return s.transfer ? num(s.transfer.bytes_finished) : null;
  }

  // Sort keys; unknown values last whatever the direction.
  var SORT_KEYS = {
    host: null, // the default order
    session: function (s) { return s.id; },
    state: function (s) { return s.state === null ? null : stateRank(s.state); },
    done: function (s) {
      return s.accounts.total ? (s.accounts.done || 0) / s.accounts.total : null;
    },
    failed: function (s) { return s.accounts.failed; },
    dangerous: function (s) { return s.accounts.dangerous; },
    remaining: function (s) { return s.accounts.remaining; },
    bytes: bytesDone,
    rate: function (s) { return s.rate; },
    eta: function (s) { return s.eta; }
  };

  function sortedSessions(view, filters) {
    var rows = view.sessions.filter(function (s) { return matches(s, filters); });
    var key = SORT_KEYS[ui.sort.key];
    var dir = ui.sort.dir;
    rows.sort(function (a, b) {
      if (key) {
        var x = key(a);
        var y = key(b);
        if (x === null || y === null) {
          if (x !== y) return x === null ? 1 : -1;
        } else if (x !== y) {
          if (typeof x === "string") return dir * naturalCompare(x, y);
          return dir * (x < y ? -1 : 1);
        }
      }
      return (key ? 1 : dir) * (a.index - b.index);
    });
    return rows;
  }

  // The cells as landing_page.cpp draws them: the class names the column, data-value holds
  // the exact number.
  function countCell(column, v, highlight) {
    return el("td", { class: column + (v > 0 && highlight ? " " + highlight : ""),
      "data-value": exact(v) }, countOrUnknown(v));
  }

  function stateCell(s) {
    return el("td", { class: "c-state", "data-value": s.state === null ? "" : s.state }, [
      badge(stateClass(s.state), s.state === null ? "unknown" : s.state),
      s.state === null && s.unknownReason ? [" ", el("span", { class: "muted" }, shorten(s.unknownReason))] : null,
      s.stalled !== null ? [" ", badge("bad", "stalled " + formatDuration(s.stalled))] : null,
      s.state === "COMPLETED" && (s.accounts.failed || 0) > 0 ?
        [" ", badge("bad", "with failed accounts")] : null,
      s.waitingForEnd ? [" ", el("span", { class: "muted" }, "log available when the session ends")] : null,
      s.lastError && !s.hostDown ? [" ", badge("warn", "read error")] : null
    ]);
  }

  function sessionRow(s, t) {
    var a = s.accounts;
    var done = bytesDone(s);
    var total = s.transfer ? num(s.transfer.bytes_total) : null;
    var open = ui.expanded.has(sessionKey(s));
    return el("tr", { class: "session", "data-host": s.host, "data-session": s.id }, [
      el("td", { class: "c-host" }, [el("button", { type: "button", class: "toggle",
        "aria-expanded": open ? "true" : "false", "aria-label": "Details" }, open ? "-" : "+"),
      s.host]),
      el("td", { class: "c-id" }, s.id),
      stateCell(s),
      el("td", { class: "c-acc", "data-done": exact(a.done), "data-total": exact(a.total) },
        [bar(a.done, a.total), " " + countOrUnknown(a.done) + "/" + countOrUnknown(a.total)]),
      countCell("c-failed", a.failed, "bad"),
      countCell("c-dang", a.dangerous, "warn"),
      countCell("c-rem", a.remaining),
      el("td", { class: "c-bytes", "data-value": exact(done) }, [
        done === null ? "?" : formatBytes(done),
        total !== null ? [" ", el("span", { class: "muted" }, "of " + formatBytes(total))] : null]),
      el("td", { class: "c-rate", "data-value": exact(s.rate) },
        s.rate === null ? "?" : formatRate(s.rate)),
      el("td", { class: "c-eta", "data-value": exact(s.eta),
        title: s.eta === null ? null : formatUtc(s.eta) }, s.finished ? "finished" : when(s.eta, t))
    ]);
  }

  function definition(term, value) {
    if (value === null || value === undefined || value === "") return null;
    return [el("dt", null, term), el("dd", null, value)];
  }

  function smallTable(headers, rows) {
    return el("table", null, [el("thead", null, el("tr", null, headers.map(function (h) {
      return el("th", null, h);
    }))), el("tbody", null, rows.map(function (r) {
      return el("tr", null, r.map(function (c) { return el("td", { class: "text" }, c); }));
    }))]);
  }

  function throughputText(s) {
    var tp = s.throughput;
    if (s.rate === null) return "unknown";
    var out = formatRate(s.rate) + " accounts/h";
    if (num(tp.bytes_per_hour) !== null) out += ", " + formatBytes(Math.round(tp.bytes_per_hour)) + "/h";
    if (num(tp.window_seconds) !== null) out += " over the last " + formatDuration(tp.window_seconds);
    if (tp.from_exporter_clock === true) out += " (timed by the exporter's clock: the log has no times)";
    return out;
  }

  function detailRow(s, t) {
    var info = s.info;
    var raw = s.raw;
    var queues = Object.keys(s.queues).map(function (name) {
      var q = s.queues[name] || {};
      var f = function (v) { return v === null || v === undefined ? "?" : formatCount(v); };
      return [name, f(num(q.items_finished)) + " / " + f(num(q.items_total)),
        f(num(q.items_failed)), f(num(q.dangerous_items)), f(num(q.altered_items)),
        (num(q.bytes_finished) === null ? "?" : formatBytes(q.bytes_finished)) + " / " +
        (num(q.bytes_total) === null ? "?" : formatBytes(q.bytes_total))];
    });
    var parts = [el("dl", null, [
      definition("State", (s.state === null ? "unknown" : s.state) +
        (typeof raw.api_state === "string" ? "; server: " + raw.api_state : "") +
        (typeof info.state === "string" ? "; log: " + info.state : "") +
        (s.state === null && s.unknownReason ? " (" + s.unknownReason + ")" : "")),
      definition("Source", str(info.remote_host)),
      definition("Initiator", str(info.initiator)),
      definition("Started", num(info.started_at) === null ? null : formatUtc(info.started_at)),
      definition("Last event", num(info.last_event_at) === null ? null : formatUtc(info.last_event_at)),
      definition("Log grew", num(raw.last_change) === null ? null : formatAge(raw.last_change, t)),
      definition("Log", num(info.lines) === null ? null : formatCount(info.lines) + " lines, " +
        formatCount(num(info.malformed_lines) || 0) + " malformed"),
      definition("Throughput", throughputText(s)),
      definition("Estimated completion", s.eta === null ? null : formatUtc(s.eta) + " (" + when(s.eta, t) + ")"),
      definition("Waiting", s.waitingForEnd ? "log available when the session ends" : null),
      definition("Read error", s.lastError)
    ])];
    if (queues.length) {
      parts.push(el("h4", null, "Queues"), smallTable(["Queue", "Items done", "Failed",
        "Dangerous items", "Altered items (harmless)", "Data"], queues));
    }
    if (s.failed.length) {
      parts.push(el("h4", null, "Failed accounts"), smallTable(["Account", "Queue", "Failure"],
        s.failed.map(function (a) { return [a.account, a.queue, a.failure]; })));
    }
    if (s.dangerous.length) {
      parts.push(el("h4", null, "Dangerous items"), smallTable(["Account", "Items", "What"],
        s.dangerous.map(function (a) { return [a.account, formatCount(a.items), a.texts.join("\n")]; })));
    }
    if (s.slowest.length) {
      parts.push(el("h4", null, "Slowest accounts"), smallTable(["Account", "Queue", "Took"],
        s.slowest.map(function (a) {
          return [str(a.account), str(a.queue), num(a.seconds) === null ? "?" : formatDuration(a.seconds)];
        })));
    }
    return el("tr", { class: "detail", "data-host": s.host, "data-session": s.id },
      el("td", { colspan: 10, class: "detail" }, parts));
  }

  function currentFilters() {
    var form = document.getElementById("filters");
    if (!form) return { host: "", state: "", account: "" };
    return { host: form.elements.host.value, state: form.elements.state.value,
      account: form.elements.account.value.trim() };
  }

  // Refills a <select> with `values` ([value, label]), keeping its choice.
  function fillSelect(select, first, values) {
    var chosen = select.value;
    replaceChildren(select, first.concat(values).map(function (v) {
      return el("option", { value: v[0] }, v[1]);
    }));
    select.value = chosen;
    if (select.value !== chosen) select.value = "";
  }

  function renderFilters(view) {
    var form = document.getElementById("filters");
    if (!form) return;
    fillSelect(form.elements.host, [["", "all hosts"]], view.hosts.map(function (h) {
      return [h.name, h.name];
    }));
    var states = view.summary.byState.map(function (p) { return p[0]; });
    view.sessions.forEach(function (s) {
      var st = s.state === null ? "unknown" : s.state;
      if (states.indexOf(st) < 0) states.push(st);
    });
    fillSelect(form.elements.state, [["", "all states"], ["problems", "with problems"]],
      states.map(function (st) { return [st, st]; }));
  }

  function renderSessions(view) {
    var t = now();
    var rows = sortedSessions(view, currentFilters());
    var shown = rows.slice(0, ui.sessionRows);
    var out = [];
    shown.forEach(function (s) {
      out.push(sessionRow(s, t));
      if (ui.expanded.has(sessionKey(s))) out.push(detailRow(s, t));
    });
    if (!view.sessions.length) {
      out.push(el("tr", null, el("td", { colspan: 10, class: "empty" }, "No session is watched.")));
    } else if (!rows.length) {
      out.push(el("tr", null, el("td", { colspan: 10, class: "empty" }, "No session matches the filters.")));
    }
    replaceChildren(document.getElementById("sessions-body"), out);
    var count = formatCount(view.sessions.length);
    replaceChildren(document.getElementById("sessions-count"),
      rows.length === view.sessions.length ? count : formatCount(rows.length) + " of " + count);
    var more = [];
    if (rows.length > shown.length) {
      more.push(formatCount(rows.length - shown.length) + " more sessions ",
        el("button", { type: "button", class: "more", "data-show": "sessions" }, "show more"));
    }
    replaceChildren(document.getElementById("sessions-more"), more);
    document.querySelectorAll("table.sessions th[data-sort]").forEach(function (th) {
      if (th.dataset.sort === ui.sort.key) {
        th.setAttribute("aria-sort", ui.sort.dir > 0 ? "ascending" : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
  }

  // ---- Hosts ----

  function renderHosts(view) {
    var t = now();
    var rows = limited(view.hosts, config.maxHostRows, "hosts", "hosts", function (h) {
      return el("tr", { "data-host": h.name }, [
        el("td", { class: "c-host" }, [el("strong", null, h.name), " ", el("span", { class: "muted" }, h.kind)]),
        el("td", { class: "c-up", "data-value": h.up ? "1" : "0" }, [
          h.up ? badge("up", "up") : h.down ? badge("down", "down") : badge("", "not polled yet"),
          h.insecure ? [" ", badge("insecure", "TLS not verified")] : null,
          h.logAccess && h.logAccess !== "unknown" ? [el("br"), el("span", { class: "muted",
            "data-value": h.logAccess }, shorten(h.logAccessDescription))] : null]),
        el("td", { class: "c-polled" }, formatAge(h.lastPoll, t)),
        el("td", { class: "c-success" }, formatAge(h.lastSuccess, t)),
        el("td", { class: "c-sessions" }, formatCount(h.sessions)),
        el("td", null, [h.reason ? [el("strong", null, h.reason), ": "] : null, shorten(h.message)])]);
    });
    if (!view.hosts.length) {
      rows.shown.push(el("tr", null, el("td", { colspan: 6, class: "empty" }, "No hosts configured.")));
    }
    replaceChildren(document.getElementById("hosts-body"), rows.shown);
    replaceChildren(document.getElementById("hosts-more"), rows.more);
  }

  // ---- Updates ----

  function render() {
    var view = ui.view;
    if (!view || !document.getElementById("tiles")) return;
    renderSummary(view);
    renderProblems(view);
    renderFilters(view);
    renderSessions(view);
    renderHosts(view);
  }

  function status(text, stale) {
    var p = document.getElementById("updated");
    if (!p) return;
    p.className = "generated" + (stale ? " stale" : "");
    replaceChildren(p, text);
  }

  function apiUrl() {
    return config.api + (config.api.indexOf("?") < 0 ? "?" : "&") + "items=0";
  }

  function update() {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 30000) : null;
    fetch(apiUrl(), { cache: "no-store", credentials: "same-origin",
      headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (doc) {
        if (!doc || typeof doc !== "object") throw new Error("not a sessions document");
        ui.view = buildView(doc);
        render();
        ui.updates++;
        ui.lastSuccess = now();
        body.dataset.updates = String(ui.updates);
        body.dataset.updatedAt = String(ui.lastSuccess);
        status("Updated " + formatUtc(ui.lastSuccess) + ".", false);
      })
      .catch(function (e) {
        var since = ui.lastSuccess === null ? "" : "; showing the data of " + formatUtc(ui.lastSuccess);
        status("Update failed (" + (e && e.message ? e.message : String(e)) + ") at " +
          formatUtc(now()) + since + ".", true);
      })
      .then(function () {
        if (timer) clearTimeout(timer);
        if (config.refresh > 0) setTimeout(update, config.refresh * 1000);
      });
  }

  // ---- Interaction ----

  function onClick(event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var show = target.closest("button[data-show]");
    if (show) {
      var key = show.dataset.show;
      if (key === "sessions") ui.sessionRows += config.sessionRowsStep;
      else if (ui.showAll.has(key)) ui.showAll.delete(key);
      else ui.showAll.add(key);
      render();
      return;
    }
    var sort = target.closest("table.sessions th[data-sort] button");
    if (sort) {
      var k = sort.parentElement.dataset.sort;
      if (ui.sort.key === k) ui.sort.dir = -ui.sort.dir;
      else ui.sort = { key: k, dir: k === "host" || k === "session" || k === "eta" ? 1 : -1 };
      if (ui.view) renderSessions(ui.view);
      return;
    }
    var toggle = target.closest("tr.session button.toggle");
    if (toggle) {
      var row = toggle.closest("tr.session");
      var id = row.dataset.host + "\u0000" + row.dataset.session;
      if (ui.expanded.has(id)) ui.expanded.delete(id);
      else ui.expanded.add(id);
      if (ui.view) renderSessions(ui.view);
    }
  }

  document.addEventListener("click", onClick);
  var form = document.getElementById("filters");
  if (form) {
    var refilter = function () {
      ui.sessionRows = config.sessionRowsStep;
      if (ui.view) renderSessions(ui.view);
    };
    form.addEventListener("input", refilter);
    form.addEventListener("change", refilter);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  }
  update();
})();
