// csto pages: minimal script. Every page works without it (forms submit with GET); it adds the date
// slider, fills the text box when a shipped scenario is chosen, and draws the charts with vega-embed
// (the bundle is served by this site: nothing is fetched from elsewhere).
"use strict";

function dayNumber(iso) { return Math.round(Date.parse(iso + "T00:00:00Z") / 86400000); }
function isoDay(n) { return new Date(n * 86400000).toISOString().slice(0, 10); }

function setUpSlider(form) {
  const range = form.querySelector("input[type=range]");
  const input = form.querySelector("input[name=on]");
  if (!range || !input) return;
  const snapshots = form.dataset.snapshots ? JSON.parse(form.dataset.snapshots) : null;
  if (snapshots) {
    // the static site: the slider stops at the dates it holds and opens that page
    range.max = String(snapshots.length - 1);
    const here = snapshots.findIndex((s) => s.on === input.value);
    range.value = String(here < 0 ? snapshots.length - 1 : here);
    range.addEventListener("input", () => { input.value = snapshots[Number(range.value)].on; });
    range.addEventListener("change", () => { window.location.href = snapshots[Number(range.value)].href; });
    return;
  }
  const first = dayNumber(form.dataset.first), last = dayNumber(form.dataset.last);
  range.min = "0";
  range.max = String(last - first);
  range.value = String(Math.min(Math.max(dayNumber(input.value) - first, 0), last - first));
  range.addEventListener("input", () => { input.value = isoDay(first + Number(range.value)); });
  range.addEventListener("change", () => { input.value = isoDay(first + Number(range.value)); form.submit(); });
  input.addEventListener("change", () => { if (input.value) form.submit(); });
}

function setUpScenarioChoice(form) {
  // Choosing a shipped scenario clears edited text, and editing the text unselects the scenario: what the form
  // shows is what runs.
  const select = form.querySelector("select[data-fills]");
  const text = form.querySelector("textarea[name=text]");
  if (!select || !text) return;
  select.addEventListener("change", () => { if (select.value) text.value = ""; });
  text.addEventListener("input", () => { select.value = ""; });  // edited text is what runs
  form.addEventListener("submit", () => {
    // unedited text of the chosen scenario need not travel in the address
    if (select.value && text.value === text.dataset.original) text.disabled = true;
    if (!select.value) select.disabled = true;
  });
}

function drawCharts() {
  if (typeof window.vegaEmbed !== "function") return;
  document.querySelectorAll("div.vega[data-spec]").forEach((el) => {
    const script = document.getElementById(el.dataset.spec);
    if (!script) return;
    window.vegaEmbed(el, JSON.parse(script.textContent), { renderer: "svg", actions: { export: true, source: true, compiled: false, editor: false } })
      .catch((err) => { el.textContent = "The chart could not be drawn: " + err; });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form.date-slider").forEach(setUpSlider);
  document.querySelectorAll("form.scenario-form").forEach(setUpScenarioChoice);
  drawCharts();
});
