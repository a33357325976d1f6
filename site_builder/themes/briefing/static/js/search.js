/* Client-side search: loads search-index.json once and keeps entries whose title, summary,
   actors or topics contain every word typed (case- and accent-insensitive). No dependencies. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-root]");
  var out = document.getElementById("search-results");
  if (!form || !out) return;

  var root = form.getAttribute("data-root") || "";
  var indexUrl = form.getAttribute("data-index") || root + "search-index.json";
  var input = form.querySelector("input[name=q]");
  var lang = document.documentElement.lang || undefined;
  var LIMIT = 60;
  var KIND_LABELS = { briefing: "Briefing", actor: "Actor", topic: "Topic" };
  var loading = null;
  var timer = 0;

  function fold(text) {
    return String(text || "").toLowerCase().normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "").replace(/[\u2018\u2019]/g, "'").replace(/[\u2010\u2011]/g, "-");
  }

  function prepare(doc) {
    return {
      doc: doc,
      title: fold(doc.title),
      rest: fold([doc.summary, (doc.actors || []).join(" "), (doc.topics || []).join(" ")].join(" "))
    };
  }

  function load() {
    if (!loading) {
      loading = fetch(indexUrl).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }).then(function (data) { return data.map(prepare); }, function (error) {
        loading = null; // let the next keystroke try again
        throw error;
      });
    }
    return loading;
  }

  function match(items, query, kind) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    var hits = [];
    if (!words.length) return hits;
    items.forEach(function (item) {
      if (kind && item.doc.kind !== kind) return;
      var score = item.doc.kind === "briefing" ? 0 : 1; // a profile or topic first when equally good
      for (var i = 0; i < words.length; i++) {
        if (item.title.indexOf(words[i]) !== -1) score += 3;
        else if (item.rest.indexOf(words[i]) !== -1) score += 1;
        else return;
      }
      hits.push({ item: item, score: score });
    });
    hits.sort(function (a, b) {
      return b.score - a.score || String(b.item.doc.date || "").localeCompare(String(a.item.doc.date || ""));
    });
    return hits;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function formatDate(iso) {
    var d = new Date(iso + "T00:00:00");
    if (isNaN(d.getTime())) return iso;
    // Same shape as the pages' short dates ("29 Jan 2023"), month name in the page's language.
    return d.getDate() + " " + d.toLocaleDateString(lang, { month: "short" }) + " " + d.getFullYear();
  }

  function row(doc) {
    var li = el("li");
    var article = el("article", "row row--" + (doc.kind || "briefing"));
    if (doc.date) {
      var time = el("time", "row__date", formatDate(doc.date));
      time.setAttribute("datetime", doc.date);
      article.appendChild(time);
    } else {
      article.appendChild(el("span", "row__date"));
    }
    var main = el("div", "row__main");
    main.appendChild(el("p", "row__kicker", KIND_LABELS[doc.kind] || doc.kind || ""));
    var title = el("h2", "row__title");
    var link = el("a", "", doc.title);
    link.href = root + (doc.url || "");
    title.appendChild(link);
    main.appendChild(title);
    if (doc.summary) main.appendChild(el("p", "row__summary", doc.summary));
    var names = (doc.actors || []).slice(0, 6);
    if (names.length) main.appendChild(el("p", "row__people", names.join(" · ")));
    article.appendChild(main);
    li.appendChild(article);
    return li;
  }

  function render(query, hits) {
    out.textContent = "";
    if (!query.trim()) return;
    var shown = hits.slice(0, LIMIT);
    var status = hits.length === 0 ? "No results for “" + query + "”."
      : hits.length + (hits.length === 1 ? " result" : " results") + " for “" + query + "”"
        + (hits.length > LIMIT ? ", showing the best " + LIMIT + "." : ".");
    out.appendChild(el("p", "search-results__status", status));
    if (!shown.length) return;
    var list = el("ol", "rows");
    shown.forEach(function (hit) { list.appendChild(row(hit.item.doc)); });
    out.appendChild(list);
  }

  function currentKind() {
    var checked = form.querySelector("input[name=kind]:checked");
    return checked ? checked.value : "";
  }

  function run() {
    var query = input.value;
    var kind = currentKind();
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (kind) params.set("kind", kind);
    var search = params.toString();
    try {
      history.replaceState(null, "", search ? "?" + search : location.pathname);
    } catch (error) {
      // Some browsers refuse history changes on file:// pages; the search still works.
    }
    load().then(function (items) {
      render(query, match(items, query, kind));
    }, function () {
      out.textContent = "";
      out.appendChild(el("p", "notice", "The search index could not be loaded. Try the archive instead."));
    });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, 180);
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  input.addEventListener("input", schedule);
  form.addEventListener("change", function (event) { if (event.target.name === "kind") run(); });

  var initial = new URLSearchParams(location.search);
  if (initial.get("kind")) {
    var radio = form.querySelector("input[name=kind][value=\"" + initial.get("kind").replace(/[^a-z-]/g, "") + "\"]");
    if (radio) radio.checked = true;
  }
  if (initial.get("q")) {
    input.value = initial.get("q");
    run();
  }
  // Start fetching the index as soon as someone is about to type.
  input.addEventListener("focus", function () { load().catch(function () {}); }, { once: true });
})();
