/* Full-text search over the Pagefind index the build writes to pagefind/, through Pagefind's JS API.
   Results are built with DOM methods: of Pagefind's excerpts only the <mark> highlights become
   elements, everything else is text. Query, filters and order live in the address
   (?q=…&topic=…&sort=date), so a search can be linked. Works at any base path: the site root is
   taken from this page's own address. Its words are the site's UI strings, which the page gives in
   data-strings (the keys under script.search., and the pages' date format). */
(function () {
  "use strict";

  var app = document.getElementById("search-app");
  if (!app) return;
  var form = app.querySelector("form");
  var input = form.querySelector("input[name=q]");
  var sortSelect = form.querySelector("select[name=sort]");
  var filtersBox = document.getElementById("search-filters");
  var status = document.getElementById("search-status");
  var out = document.getElementById("search-results");
  var lang = document.documentElement.lang || undefined;
  var strings = JSON.parse(app.getAttribute("data-strings") || "{}");
  var PAGE_SIZE = 20;
  var FILTERS = [
    { name: "type", label: say("script.search.filter.type"), open: true },
    { name: "topic", label: say("script.search.filter.topic"), open: true },
    { name: "actor", label: say("script.search.filter.actor"), open: false }
  ];
  var pagefind = null;
  var totals = {};
  var counter = 0; // the latest search; answers to older ones are dropped
  var timer = 0;

  // A UI string with its {name} values filled in; a `count` value picks the form for one or for any other count.
  function say(key, values) {
    var entry = strings[key];
    var given = values || {};
    if (entry === undefined) return key;
    if (typeof entry !== "string") entry = given.count === 1 ? entry.one : entry.other;
    return entry.replace(/\{([a-z_]+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(given, name) ? String(given[name]) : whole;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function siteRoot() {
    // This page is <root>/search/ (or <root>/search/index.html when links keep index.html).
    var own = app.getAttribute("data-site-path") || "search/";
    var path = location.pathname.replace(/index\.html$/, "");
    if (path.slice(-own.length) === own) path = path.slice(0, path.length - own.length);
    return path.charAt(path.length - 1) === "/" ? path : path + "/";
  }

  function unavailable(reason) {
    form.hidden = true;
    var notice = document.getElementById("search-unavailable");
    document.getElementById("search-reason").textContent = reason;
    notice.hidden = false;
  }

  function decodeEntities(text) {
    var named = { lt: "<", gt: ">", amp: "&", quot: "\"", "#39": "'" };
    return text.replace(/&(lt|gt|amp|quot|#39);/g, function (_, name) { return named[name]; });
  }

  function appendExcerpt(node, excerpt) {
    var marked = false;
    String(excerpt || "").split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>" || part === "</mark>") {
        marked = part === "<mark>";
        return;
      }
      if (!part) return;
      var text = document.createTextNode(decodeEntities(part));
      if (marked) {
        var mark = el("mark");
        mark.appendChild(text);
        node.appendChild(mark);
      } else {
        node.appendChild(text);
      }
    });
  }

  function formatDate(iso) {
    var d = new Date(iso + "T00:00:00");
    if (isNaN(d.getTime())) return iso;
    // The pages' own short dates ("29 Jan 2023"), never the browser's locale.
    var month = d.getMonth() + 1;
    return say("date.short", { day: d.getDate(), month: say("month." + month), month_short: say("month.short." + month),
                               month_number: month, year: d.getFullYear() });
  }

  function safeUrl(url) {
    return /^(\/|https?:)/i.test(url || "") ? url : "";
  }

  function row(data) {
    var meta = data.meta || {};
    var li = el("li");
    var article = el("article", "row row--search");
    if (meta.date) {
      var time = el("time", "row__date", formatDate(meta.date));
      time.setAttribute("datetime", meta.date);
      article.appendChild(time);
    } else {
      article.appendChild(el("span", "row__date"));
    }
    var main = el("div", "row__main");
    if (meta.kind) main.appendChild(el("p", "row__kicker", meta.kind));
    var title = el("h2", "row__title");
    var link = el("a", "", meta.title || data.url);
    link.href = safeUrl(data.url);
    title.appendChild(link);
    main.appendChild(title);
    var excerpt = el("p", "row__summary");
    appendExcerpt(excerpt, data.excerpt);
    main.appendChild(excerpt);
    article.appendChild(main);
    li.appendChild(article);
    return li;
  }

  function selected() {
    var filters = {};
    var any = false;
    FILTERS.forEach(function (f) {
      var values = [];
      form.querySelectorAll("input[name=\"" + f.name + "\"]:checked").forEach(function (box) {
        values.push(box.value);
      });
      if (values.length) {
        filters[f.name] = values; // every ticked value must apply: each box narrows the results
        any = true;
      }
    });
    return any ? filters : null;
  }

  function buildFilters(chosen) {
    filtersBox.textContent = "";
    FILTERS.forEach(function (f) {
      var values = Object.keys(totals[f.name] || {}).sort(function (a, b) { return a.localeCompare(b, lang); });
      if (!values.length) return;
      var details = el("details", "search-filter");
      var ticked = chosen[f.name] || [];
      details.open = f.open || ticked.length > 0;
      details.appendChild(el("summary", "search-filter__title", f.label));
      var fieldset = el("fieldset", "search-filter__set");
      fieldset.appendChild(el("legend", "visually-hidden", f.label));
      var list = el("ul", "search-filter__list");
      values.forEach(function (value) {
        var label = el("label");
        var box = el("input");
        box.type = "checkbox";
        box.name = f.name;
        box.value = value;
        box.checked = ticked.indexOf(value) !== -1;
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + value + " "));
        label.appendChild(el("span", "count"));
        var li = el("li");
        li.appendChild(label);
        list.appendChild(li);
      });
      fieldset.appendChild(list);
      details.appendChild(fieldset);
      filtersBox.appendChild(details);
    });
  }

  function showCounts(counts) {
    form.querySelectorAll("#search-filters input[type=checkbox]").forEach(function (box) {
      var n = (counts[box.name] || {})[box.value] || 0;
      box.parentNode.querySelector(".count").textContent = "(" + n + ")";
    });
  }

  function keepInAddress(query, filters, sort) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (sort) params.set("sort", sort);
    FILTERS.forEach(function (f) {
      ((filters || {})[f.name] || []).forEach(function (value) { params.append(f.name, value); });
    });
    var search = params.toString();
    try {
      history.replaceState(null, "", search ? "?" + search : location.pathname);
    } catch (error) {
      // Some browsers refuse history changes here; the search itself still works.
    }
  }

  function describe(count, query, filters) {
    var results = count === 0 ? say("script.search.results.none") : say("script.search.results", { count: count });
    var form = query ? (filters ? "script.search.status.query_filters" : "script.search.status.query")
      : (filters ? "script.search.status.filters" : "script.search.status");
    return say(form, { results: results, query: query });
  }

  function showMore(results, start, list, button) {
    var batch = results.slice(start, start + PAGE_SIZE);
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (pages) {
      var first = null;
      pages.forEach(function (data) {
        var item = row(data);
        first = first || item;
        list.appendChild(item);
      });
      var next = start + batch.length;
      button.hidden = next >= results.length;
      button.onclick = function () {
        showMore(results, next, list, button).then(function (added) {
          if (added) added.querySelector("a").focus(); // keep the keyboard where the new results begin
        });
      };
      return first;
    });
  }

  function run() {
    clearTimeout(timer);
    var mine = ++counter;
    var query = input.value.trim();
    var filters = selected();
    var sort = sortSelect.value;
    keepInAddress(query, filters, sort);
    if (!query && !filters && !sort) {
      out.textContent = "";
      status.textContent = "";
      showCounts(totals);
      return;
    }
    var options = {};
    if (filters) options.filters = filters;
    if (sort === "date") options.sort = { date: "desc" };
    pagefind.search(query || null, options).then(function (search) {
      if (mine !== counter || !search) return;
      showCounts(search.filters || {});
      out.textContent = "";
      status.textContent = describe(search.results.length, query, filters);
      if (!search.results.length) return;
      var list = el("ol", "rows");
      var button = el("button", "search__more", say("script.search.more"));
      button.type = "button";
      out.appendChild(list);
      out.appendChild(button);
      return showMore(search.results, 0, list, button);
    }).catch(function () {
      if (mine === counter) status.textContent = say("script.search.failed");
    });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, 200);
  }

  function start(api) {
    pagefind = api;
    var params = new URLSearchParams(location.search);
    var chosen = {};
    FILTERS.forEach(function (f) { chosen[f.name] = params.getAll(f.name); });
    input.value = params.get("q") || "";
    sortSelect.value = params.get("sort") === "date" ? "date" : "";
    return Promise.resolve(pagefind.filters()).then(function (all) {
      totals = all || {};
      buildFilters(chosen);
      form.hidden = false;
      form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
      input.addEventListener("input", schedule);
      form.addEventListener("change", function (event) { if (event.target !== input) run(); });
      run();
    });
  }

  if (location.protocol === "file:") {
    unavailable(say("script.search.reason.file"));
    return;
  }
  var root = siteRoot();
  import(new URL(root + "pagefind/pagefind.js", location.href).href).then(function (api) {
    return Promise.resolve(api.options({ baseUrl: root })).then(function () { return start(api); });
  }).catch(function () {
    unavailable(say("script.search.reason.index"));
  });
})();
