// csto crisis exercise: keeps a game's page live. The server renders every part of the page; when the game's
// server-sent events say something happened, this script fetches the same page again and swaps in each part
// marked data-live whose content changed (a form being filled in stays as it is unless its own part changed).
// Without this script the pages still work: reload them.
"use strict";

(function () {
  const status = document.getElementById("live-status");
  if (!status || !status.dataset.events || typeof EventSource !== "function") return;
  let busy = false, again = false, timer = null;

  function say(text) { status.textContent = text; }

  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const response = await fetch(window.location.pathname + window.location.search,
                                    { cache: "no-store", credentials: "same-origin" });
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      fresh.querySelectorAll("[data-live][id]").forEach((part) => {
        const here = document.getElementById(part.id);
        if (here && here.innerHTML !== part.innerHTML) here.replaceWith(document.importNode(part, true));
      });
      say("Live: updated " + new Date().toLocaleTimeString());
    } catch (err) {
      say("Could not update the page (" + err + "): reload it.");
    }
    busy = false;
    if (again) { again = false; refresh(); }
  }

  const source = new EventSource(status.dataset.events);
  source.onopen = () => say("Live: this page updates itself when the game moves.");
  source.onmessage = () => { clearTimeout(timer); timer = setTimeout(refresh, 100); };  // a burst: one fetch
  source.addEventListener("refused", (e) => {
    source.close();
    say("Disconnected: " + JSON.parse(e.data).message);
  });
  source.onerror = () => { if (source.readyState !== EventSource.CLOSED) say("Reconnecting…"); };
  window.addEventListener("pagehide", () => source.close());
})();
