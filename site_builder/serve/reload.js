// Live reload for `site-builder serve`: injected into served pages only, never written to the output.
// Reloads the page when it or something it loads changed, swaps stylesheets in place when only CSS
// changed, and shows build errors over the page until the next good build.
(() => {
  "use strict";
  const stateElement = document.getElementById("__site-builder-state");
  if (!stateElement || window.__siteBuilder) return;
  const state = JSON.parse(stateElement.textContent);
  const live = (window.__siteBuilder = { version: state.version, swaps: 0, errors: state.errors.length });
  const OVERLAY_ID = "__site-builder-overlay";

  // A URL as an output path ("briefings/x/index.html"), or null for other origins and other sites.
  function outputPath(href) {
    let url;
    try {
      url = new URL(href, location.href);
    } catch {
      return null;
    }
    if (url.origin !== location.origin) return null;
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return null;
    }
    if (!path.startsWith(state.root)) return null;
    path = path.slice(state.root.length);
    return path === "" || path.endsWith("/") ? path + "index.html" : path;
  }

  // The page itself and everything it loads except stylesheets, which can be swapped without a reload.
  function usedPaths() {
    const used = new Set(state.pages);
    const selector = "script[src], img[src], source[src], video[src], audio[src], iframe[src], embed[src]";
    for (const element of document.querySelectorAll(selector)) {
      const path = outputPath(element.getAttribute("src"));
      if (path) used.add(path);
    }
    for (const element of document.querySelectorAll("object[data]")) {
      const path = outputPath(element.getAttribute("data"));
      if (path) used.add(path);
    }
    return used;
  }

  function swapStylesheets(changedCss, version) {
    const links = [...document.querySelectorAll('link[rel~="stylesheet"][href]')];
    let targets = links.filter((link) => changedCss.has(outputPath(link.href)));
    if (targets.length === 0) targets = links; // an @import-ed sheet changed: refresh them all
    for (const link of targets) {
      const url = new URL(link.href);
      url.searchParams.set("__site_builder", String(version)); // bypass any cached copy
      const fresh = link.cloneNode();
      fresh.href = url.href;
      // Remove the old sheet only once the new one applies, so the page never flashes unstyled.
      const retire = () => link.remove();
      fresh.addEventListener("load", retire, { once: true });
      fresh.addEventListener("error", retire, { once: true });
      link.after(fresh);
    }
    live.swaps += 1;
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text) node.textContent = text; // messages are text, never markup
    if (className) node.className = className;
    return node;
  }

  const OVERLAY_CSS = `
    :host { all: initial; }
    .backdrop { position: fixed; inset: 0; z-index: 2147483647; background: rgba(20, 20, 20, .55);
      display: flex; align-items: flex-start; justify-content: center; padding: 5vh 1rem; overflow: auto;
      font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
    .panel { background: #fff; color: #1a1a1a; max-width: 60rem; width: 100%; border-top: 6px solid #b3261e;
      border-radius: 6px; box-shadow: 0 12px 40px rgba(0, 0, 0, .35); padding: 1.25rem 1.5rem; }
    h2 { margin: 0 0 .25rem; font-size: 1.25rem; color: #b3261e; }
    p { margin: .25rem 0 1rem; color: #444; }
    ol { margin: 0; padding: 0; list-style: none; }
    li { border-top: 1px solid #ddd; padding: .75rem 0; }
    .where { font: 600 14px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; color: #0b57d0; word-break: break-all; }
    .message { display: block; margin-top: .25rem; white-space: pre-wrap; }
    .hint { display: block; margin-top: .25rem; color: #555; font-style: italic; }
    button { font: inherit; margin-top: .75rem; padding: .3rem .9rem; cursor: pointer; }
  `;

  function showErrors(errors) {
    live.errors = errors.length;
    let host = document.getElementById(OVERLAY_ID);
    if (errors.length === 0) {
      if (host) host.remove();
      return;
    }
    if (!host) {
      host = document.createElement("div");
      host.id = OVERLAY_ID;
      host.attachShadow({ mode: "open" }); // the site's CSS cannot restyle the overlay, nor it the site
      document.documentElement.appendChild(host);
    }
    const backdrop = element("div", "", "backdrop");
    backdrop.setAttribute("role", "alertdialog");
    backdrop.setAttribute("aria-label", "Build failed");
    const panel = element("div", "", "panel");
    const count = errors.length === 1 ? "1 error" : `${errors.length} errors`;
    panel.append(element("h2", `Build failed: ${count}`),
      element("p", "This page is the last good build. Fix the file and save; this clears on the next good build."));
    const list = element("ol");
    for (const error of errors) {
      const item = element("li");
      let where = error.path || "(no file)";
      if (error.line) where += `:${error.line}`;
      if (error.line && error.column) where += `:${error.column}`;
      item.append(element("span", where, "where"), element("span", error.message, "message"));
      if (error.hint) item.append(element("span", error.hint, "hint"));
      list.append(item);
    }
    const hide = element("button", "Hide until the next build");
    hide.type = "button";
    hide.addEventListener("click", () => host.remove());
    panel.append(list, hide);
    const style = element("style", OVERLAY_CSS);
    host.shadowRoot.replaceChildren(style, backdrop);
    backdrop.append(panel);
  }

  function handle(event) {
    if (event.reload) {
      location.reload();
      return;
    }
    live.version = event.version;
    showErrors(event.errors);
    if (!event.ok) return;
    const changed = new Set(event.changed);
    const used = usedPaths();
    if (event.all || [...used].some((path) => changed.has(path))) {
      location.reload();
      return;
    }
    const css = new Set(event.changed.filter((path) => path.endsWith(".css")));
    if (css.size > 0) swapStylesheets(css, event.version);
  }

  const query = new URLSearchParams({ since: String(state.version), boot: state.boot });
  // The page this tab shows: a rebuild renders the open pages before the rest.
  for (const page of state.pages) query.append("page", page);
  const source = new EventSource(`${state.events}?${query}`);
  source.addEventListener("message", (message) => handle(JSON.parse(message.data)));
  // Give the server its connection back at once when leaving, instead of when the socket times out.
  addEventListener("pagehide", () => source.close());
  addEventListener("pageshow", (event) => {
    if (event.persisted) location.reload(); // back from the page cache with a closed stream
  });
  if (state.errors.length) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", () => showErrors(state.errors), { once: true });
    } else {
      showErrors(state.errors);
    }
  }
})();
