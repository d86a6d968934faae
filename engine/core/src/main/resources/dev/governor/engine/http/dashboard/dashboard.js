// Governor's dashboard: everything here comes from Governor's own HTTP API, polled with cursors so that
// each poll carries only what is new. No build step, no network beyond Governor.
(function () {
  "use strict";

  const SERIES_EVERY_MS = 1000;
  const STATE_EVERY_MS = 2000;
  const TOKEN_KEY = "governor.token";

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value == null) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child != null) node.append(child);
    }
    return node;
  };

  // ---- the API ----------------------------------------------------------------------------------------

  const token = $("token");
  token.value = sessionStorage.getItem(TOKEN_KEY) || "";
  token.addEventListener("input", () => sessionStorage.setItem(TOKEN_KEY, token.value));
  $("token-form").addEventListener("submit", (e) => e.preventDefault());

  async function api(path, options) {
    const init = Object.assign({ headers: {} }, options);
    if (init.method && init.method !== "GET" && token.value) {
      init.headers.Authorization = "Bearer " + token.value;
    }
    if (init.body && typeof init.body !== "string") {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(init.body);
    }
    const accept = init.accept || [];
    delete init.accept;
    const response = await fetch(path, init);
    const text = await response.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (e) {
      body = { error: text };
    }
    if (!response.ok && !accept.includes(response.status)) {
      const message = (body && (body.error || body.message)) || response.status + " " + response.statusText;
      throw new Error(message);
    }
    return body;
  }

  // Replaces a table's rows only when what they show changed, so a row is not swapped under a click.
  const shown = new Map();
  function rows(id, data, build) {
    const key = JSON.stringify(data);
    if (shown.get(id) === key) return;
    shown.set(id, key);
    $(id).replaceChildren(...data.map(build));
  }

  const list = (body, key) => (Array.isArray(body) ? body : (body && body[key]) || []);

  // ---- formatting -------------------------------------------------------------------------------------

  const SI = [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]];
  const BINARY = [[2 ** 40, "TiB"], [2 ** 30, "GiB"], [2 ** 20, "MiB"], [2 ** 10, "KiB"]];

  function scaled(value, steps, unit) {
    if (value == null || Number.isNaN(value)) return "–";
    const abs = Math.abs(value);
    for (const [size, suffix] of steps) {
      if (abs >= size) return trim(value / size) + (unit ? " " : "") + suffix;
    }
    return trim(value) + (unit ? " " + unit : "");
  }
  function trim(value) {
    const abs = Math.abs(value);
    return abs >= 100 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(abs >= 10 ? 1 : 2);
  }
  const formats = {
    ratio: (v) => (v == null ? "–" : (v * 100).toFixed(v > 0 && v < 0.1 ? 1 : 0) + "%"),
    bytes: (v) => scaled(v, BINARY, "B"),
    count: (v) => scaled(v, SI, ""),
    xids: (v) => scaled(v, SI, ""),
  };
  // Axis steps for bytes, so ticks fall on 256 MiB rather than 190.7 MiB.
  const BYTE_STEPS = [];
  for (let power = 0; power <= 50; power += 10) {
    for (const m of [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]) BYTE_STEPS.push(m * 2 ** power);
  }
  // Counts and transaction IDs are whole: no tick at 0.5.
  const WHOLE_STEPS = [];
  for (let power = 1; power <= 1e15; power *= 10) {
    for (const m of [1, 2, 5]) WHOLE_STEPS.push(m * power);
  }
  const format = (unit) => formats[unit] || formats.count;

  const time = (value) => {
    if (!value) return "";
    const d = new Date(value);
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  };
  const clock = (value) => new Date(value).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  const dateTime = (value) => (value ? new Date(value).toLocaleString([], { hour12: false }) : "");

  // ---- colors, from the stylesheet so light and dark follow the system ---------------------------------

  let palette = {};
  function readPalette() {
    const css = getComputedStyle(document.documentElement);
    const get = (name) => css.getPropertyValue(name).trim();
    palette = {
      text: get("--text"), muted: get("--muted"), grid: get("--grid"), line: get("--line"),
      series: get("--series").split(/\s+/).filter(Boolean),
    };
  }
  readPalette();

  // Within a plot, each entity (a pool, a host) has a color, each metric a dash; a plot of one entity colors
  // its metrics instead.
  const DASH = {
    processCpu: [6, 4], memory: [2, 3], liveSet: [6, 4], heapMax: [2, 3],
    waiting: [6, 4], max: [2, 3], limit: [2, 3],
  };

  // ---- series and plots --------------------------------------------------------------------------------

  const state = {
    cursor: 0,
    markersAfter: 0,
    windowMs: 10 * 60 * 1000,
    resolutionMs: 1000,
    clockOffset: 0, // server time minus this browser's time
    plotMeta: [], // [{id, title, unit}] in the server's order
    plots: new Map(), // id -> {meta, series: Map(id -> {info, t, v}), chart, key, element}
    markers: [], // decisions, oldest first
  };
  const now = () => Date.now() + state.clockOffset;

  function mergeSeries(answer) {
    if (answer.cursor < state.cursor) {
      // Governor restarted: its answer holds everything it has; its decisions are numbered from 1 again.
      state.markers = [];
      state.markersAfter = 0;
      answer.markers = [];
      answer.markersCursor = 0;
    }
    state.windowMs = answer.windowMs || state.windowMs;
    state.resolutionMs = answer.resolutionMs || state.resolutionMs;
    if (answer.now) state.clockOffset = answer.now - Date.now();
    if (answer.plots) state.plotMeta = answer.plots;
    for (const s of answer.series || []) {
      const plot = plotFor(s.plot);
      let series = plot.series.get(s.id);
      if (!series) {
        series = { info: s, t: [], v: [] };
        plot.series.set(s.id, series);
      }
      // A point in the bucket of the newest one replaced it on the server: replace it here too.
      const firstBucket = Math.floor(s.t[0] / state.resolutionMs);
      while (series.t.length && Math.floor(series.t[series.t.length - 1] / state.resolutionMs) >= firstBucket) {
        series.t.pop();
        series.v.pop();
      }
      for (let i = 0; i < s.t.length; i++) {
        series.t.push(s.t[i]);
        series.v.push(s.v[i]);
      }
    }
    for (const m of answer.markers || []) state.markers.push(m);
    if (answer.markersCursor != null) state.markersAfter = answer.markersCursor;
    state.cursor = answer.cursor;
    trimToWindow();
  }

  function plotFor(id) {
    let plot = state.plots.get(id);
    if (!plot) {
      plot = { id, series: new Map(), chart: null, key: "", element: null };
      state.plots.set(id, plot);
    }
    return plot;
  }

  function trimToWindow() {
    const oldest = now() - state.windowMs;
    for (const plot of state.plots.values()) {
      for (const [id, series] of plot.series) {
        let drop = 0;
        while (drop < series.t.length && series.t[drop] < oldest) drop++;
        if (drop) {
          series.t.splice(0, drop);
          series.v.splice(0, drop);
        }
        if (!series.t.length) plot.series.delete(id);
      }
    }
    while (state.markers.length && state.markers[0].t < oldest) state.markers.shift();
  }

  function metaOf(id) {
    return state.plotMeta.find((p) => p.id === id) || { id, title: id, unit: "count" };
  }

  // Every plot shows the same span: the window, or less while Governor has not been up that long (a minute at least).
  function xRange() {
    const end = now();
    let earliest = end;
    for (const plot of state.plots.values()) {
      for (const series of plot.series.values()) {
        if (series.t.length && series.t[0] < earliest) earliest = series.t[0];
      }
    }
    const start = Math.max(end - state.windowMs, Math.min(earliest, end - 60 * 1000));
    return [start / 1000, end / 1000];
  }

  function render() {
    const container = $("plots");
    const order = state.plotMeta.map((p) => p.id);
    const visible = [...state.plots.values()].filter((p) => p.series.size > 0)
      .sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    $("plots-empty").hidden = visible.length > 0;
    for (const plot of state.plots.values()) {
      if (plot.series.size === 0 && plot.element) {
        plot.chart && plot.chart.destroy();
        plot.element.remove();
        plot.chart = null;
        plot.element = null;
        plot.key = "";
      }
    }
    for (const plot of visible) {
      const ids = [...plot.series.keys()].sort();
      const key = ids.join("|");
      if (!plot.element) {
        const meta = metaOf(plot.id);
        plot.element = el("div", { class: "plot", "data-plot": plot.id },
          el("h2", {}, meta.title, el("span", { class: "unit", text: unitLabel(meta.unit) }),
            el("span", { class: "at" })),
          el("div", { class: "chart" }),
          el("div", { class: "legend" }));
      }
      container.append(plot.element); // keeps the server's order
      if (plot.key !== key) {
        plot.chart && plot.chart.destroy();
        plot.chart = makeChart(plot, ids);
        plot.key = key;
      }
      plot.chart.setData(dataOf(plot, ids));
      if (plot.chart.cursor.idx == null) updateLegend(plot.chart, null);
    }
    if (visible.length && !performance.getEntriesByName("governor:plotted").length) {
      performance.mark("governor:plotted"); // when the page first showed data: DashboardIT reports it
    }
  }

  const unitLabel = (unit) => ({ ratio: "% of capacity", bytes: "bytes", count: "", xids: "transaction IDs" }[unit] || "");

  // Times are put on the resolution's buckets, so series sampled in the same second share a column.
  function dataOf(plot, ids) {
    const bucket = state.resolutionMs;
    const tables = ids.map((id) => {
      const s = plot.series.get(id);
      return [s.t.map((t) => (Math.floor(t / bucket) * bucket) / 1000), s.v];
    });
    return tables.length === 1 ? [tables[0][0], tables[0][1]] : uPlot.join(tables);
  }

  // The legend is the page's own: each series' value under the cursor, or its newest value off the plot.
  function buildLegend(plot, ids, colors, dashes) {
    const legend = plot.element.querySelector(".legend");
    legend.replaceChildren(...ids.map((id, i) => el("span", { class: "item", "data-series": id },
      el("span", { class: "swatch" + (dashes[i] ? (dashes[i][0] <= 2 ? " dotted" : " dashed") : ""),
        style: "border-color:" + colors[i] }),
      el("span", { class: "label", text: plot.series.get(id).info.label }),
      el("span", { class: "value", text: "–" }))));
  }

  function updateLegend(u, idx) {
    const plot = u.governorPlot;
    if (!plot) return; // while the chart is being built
    const fmt = format(metaOf(plot.id).unit);
    const values = plot.element.querySelectorAll(".legend .value");
    const xs = u.data[0];
    for (let i = 1; i < u.data.length; i++) {
      const ys = u.data[i];
      let at = idx == null ? ys.length - 1 : idx;
      // The nearest value at or before the column: series are sampled at their own times.
      while (at >= 0 && ys[at] == null) at--;
      if (values[i - 1]) values[i - 1].textContent = at >= 0 ? fmt(ys[at]) : "–";
    }
    const at = plot.element.querySelector("h2 .at");
    at.textContent = idx == null || xs[idx] == null ? "" : time(xs[idx] * 1000);
  }

  function makeChart(plot, ids) {
    const meta = metaOf(plot.id);
    const fmt = format(meta.unit);
    const entities = [...new Set(ids.map((id) => plot.series.get(id).info.entity))];
    const series = [{}];
    const colors = [];
    const dashes = [];
    ids.forEach((id, i) => {
      const info = plot.series.get(id).info;
      const color = entities.length > 1
        ? palette.series[entities.indexOf(info.entity) % palette.series.length]
        : palette.series[i % palette.series.length];
      const dash = entities.length > 1 ? DASH[info.metric] : undefined;
      colors.push(color);
      dashes.push(dash);
      series.push({
        label: info.label,
        stroke: color,
        width: 1.75,
        dash,
        spanGaps: true,
        points: { show: false },
      });
    });
    buildLegend(plot, ids, colors, dashes);
    const chartElement = plot.element.querySelector(".chart");
    const width = Math.max(280, chartElement.clientWidth || 500);
    const axis = {
      stroke: palette.muted,
      grid: { stroke: palette.grid, width: 1 },
      ticks: { stroke: palette.grid, width: 1 },
      font: "11px system-ui, sans-serif",
    };
    const options = {
      width,
      height: 190,
      series,
      legend: { show: false },
      cursor: { sync: { key: "governor" }, points: { size: 6 } },
      scales: {
        x: { time: true, range: () => xRange() },
        y: {
          range: (u, min, max) => {
            if (meta.unit === "ratio") return [0, Math.max(1, max)];
            const top = max > 0 ? max * 1.1 : 1;
            return [Math.min(0, min), top];
          },
        },
      },
      axes: [
        // Seconds on the time axis when ticks are less than a minute apart.
        Object.assign({}, axis, { values: (u, splits, axisIdx, space, incr) => splits.map((v) => (incr < 60 ? time : clock)(v * 1000)) }),
        Object.assign({}, axis, { size: 64, values: (u, splits) => splits.map((v) => fmt(v)),
          incrs: meta.unit === "bytes" ? BYTE_STEPS : meta.unit === "ratio" ? undefined : WHOLE_STEPS }),
      ],
      hooks: {
        draw: [(u) => drawMarkers(u)],
        setCursor: [(u) => updateLegend(u, u.cursor.idx)],
      },
    };
    const chart = new uPlot(options, dataOf(plot, ids), chartElement);
    chart.governorPlot = plot;
    return chart;
  }

  // ---- action markers ---------------------------------------------------------------------------------

  const HELD = new Set(["SUPPRESSED", "SILENCED", "DENIED"]);
  const held = (m) => HELD.has(String(m.verdict || "").split("/")[0]);
  const markerClass = (m) => {
    if (m.status === "FAILED") return "marker failed";
    if (held(m)) return "marker held";
    if (m.status === "DRY_RUN") return "marker dry";
    return "marker";
  };

  // Markers are elements over the plot, so they can be hovered and clicked; those a few pixels apart share
  // one knob, and its details list them all.
  // A marker goes on the plots of the facts its rule matched and of what its action changes; one that names
  // none of them (a notification on a metric, say) goes on every plot.
  const PLOTS_OF_FACT = {
    HostSample: "cpu", JvmSample: "heap", PoolSample: "pools", ExecutorSample: "executors",
    PgTable: "deadTuples", PgHorizonHolder: "horizon", PgDatabase: "wraparound",
  };
  const PLOTS_OF_ACTION = [
    [/^pool\./, "pools"], [/^executor\./, "executors"], [/^cpu\./, "cpu"],
    [/^pg\.(vacuum|analyze)$/, "deadTuples"], [/^pg\.(cancel|terminate)$/, "horizon"],
  ];
  function plotsOf(m) {
    if (!m.plots) {
      const plots = new Set();
      for (const fact of m.facts || []) {
        const plot = PLOTS_OF_FACT[fact && fact.type];
        if (plot) plots.add(plot);
      }
      for (const [pattern, plot] of PLOTS_OF_ACTION) {
        if (pattern.test(m.type || "")) plots.add(plot);
      }
      m.plots = plots;
    }
    return m.plots;
  }

  function drawMarkers(u) {
    const over = u.over;
    const [min, max] = [u.scales.x.min, u.scales.x.max];
    const groups = [];
    const here = u.governorPlot && u.governorPlot.id;
    for (const m of state.markers) {
      const plots = plotsOf(m);
      if (plots.size && !plots.has(here)) continue;
      const x = m.t / 1000;
      if (x < min || x > max) continue;
      const left = Math.round(u.valToPos(x, "x"));
      const last = groups[groups.length - 1];
      if (last && left - last.left < 6) {
        last.items.push(m);
        last.left = left;
      } else {
        groups.push({ left, items: [m] });
      }
    }
    // A marker that stays keeps its element, only moved as time goes by: no flicker under the pointer.
    const existing = new Map([...over.querySelectorAll(".marker")].map((node) => [node.dataset.key, node]));
    for (const group of groups) {
      const key = group.items.map((m) => m.id).join(",");
      let marker = existing.get(key);
      if (marker) {
        existing.delete(key);
      } else {
        const lead = group.items.slice().reverse().find((m) => !held(m)) || group.items[group.items.length - 1];
        const items = group.items;
        const knob = el("span", { class: "knob", title: items.map(summary).join("\n") });
        knob.addEventListener("click", (e) => {
          e.stopPropagation();
          showDetails(items);
        });
        marker = el("div", { class: markerClass(lead), "data-key": key, "data-rule": lead.rule, "data-id": String(lead.id) }, knob);
        over.append(marker);
      }
      marker.style.left = group.left + "px";
    }
    existing.forEach((node) => node.remove());
  }

  const summary = (m) => time(m.t) + "  " + m.rule + ": " + m.type + " on '" + m.target + "'  "
    + (m.verdict || "") + " → " + m.status;

  // ---- details of decisions ---------------------------------------------------------------------------

  function showDetails(items) {
    const body = $("details-body");
    body.replaceChildren(...items.slice().reverse().map(detailsOf));
    $("details").hidden = false;
  }
  $("details-close").addEventListener("click", () => ($("details").hidden = true));
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") $("details").hidden = true;
  });

  function detailsOf(m) {
    return el("section", { class: "decision" },
      el("h3", { class: "rule", text: m.rule }),
      el("dl", {},
        el("dt", { text: "time" }), el("dd", { text: dateTime(m.t) }),
        el("dt", { text: "action" }), el("dd", { class: "mono", text: m.type + " on '" + m.target + "'"
          + (m.params && Object.keys(m.params).length ? " " + JSON.stringify(m.params) : "") }),
        el("dt", { text: "verdict" }), el("dd", {}, tag(m.verdict), " ", m.verdictMessage || ""),
        el("dt", { text: "outcome" }), el("dd", {}, tag(m.status), " ", m.message || ""),
        m.durationMs != null ? el("dt", { text: "took" }) : null,
        m.durationMs != null ? el("dd", { text: m.durationMs + " ms" }) : null),
      el("div", { class: "muted", text: "facts the rule matched" }),
      el("pre", { class: "facts", text: (m.facts || []).map((f) => JSON.stringify(f, null, 1)).join("\n") || "none" }));
  }

  const tag = (value) => el("span", { class: "tag " + (value || "").split("/")[0], text: value || "–" });

  // ---- decisions table ---------------------------------------------------------------------------------

  const filter = $("decision-filter");
  filter.addEventListener("input", () => refreshDecisions());
  filter.addEventListener("submit", (e) => e.preventDefault());

  async function refreshDecisions() {
    const query = new URLSearchParams({ limit: "100" });
    for (const [key, value] of new FormData(filter)) {
      const text = String(value).trim();
      if (!text) continue;
      // Names match as globs: a plain word finds every name that contains it.
      const glob = ["rule", "type", "target"].includes(key) && !/[*?]/.test(text) ? "*" + text + "*" : text;
      query.set(key, glob);
    }
    const body = await api("api/decisions?" + query);
    const decisions = list(body, "decisions").map(decisionView);
    $("decisions-none").hidden = decisions.length > 0;
    rows("decision-rows", decisions, (d) => el("tr", { onclick: () => showDetails([d]) },
      el("td", { class: "mono", text: time(d.t) }),
      el("td", { text: d.rule }),
      el("td", { class: "mono", text: d.type }),
      el("td", { text: d.target }),
      el("td", {}, tag(d.verdict)),
      el("td", {}, tag(d.status)),
      el("td", { text: d.message || "" })));
  }

  // A decision as the decisions endpoint gives it (an audit line), in the shape of a marker.
  function decisionView(d) {
    if (d.t != null) return d;
    const action = d.action || {};
    const verdict = d.verdict || {};
    return {
      id: d.seq != null ? d.seq : d.id, t: Date.parse(d.time || d.decidedAt), rule: d.rule, type: action.type, target: action.target,
      params: action.params, verdict: verdict.cause ? verdict.kind + "/" + verdict.cause : verdict.kind,
      verdictMessage: verdict.message, status: d.status, message: d.message, facts: d.facts, durationMs: d.durationMs,
    };
  }

  // ---- silences, in flight, rules, health ----------------------------------------------------------------

  async function refreshSilences() {
    const silences = list(await api("api/silences"), "silences");
    $("silences-count").textContent = silences.length ? String(silences.length) : "";
    $("silences-none").hidden = silences.length > 0;
    rows("silence-rows", silences, (s) => el("tr", { "data-id": s.id },
      el("td", { class: "mono", text: s.type }),
      el("td", { class: "mono", text: s.target }),
      el("td", { text: dateTime(s.until) }),
      el("td", { text: s.reason }),
      el("td", { text: s.by }),
      el("td", {}, String(s.id).startsWith("config-") ? el("span", { class: "count", text: "config" })
        : el("button", { type: "button", class: "link", title: "end this silence", onclick: () => endSilence(s.id) }, "End"))));
  }

  const silenceMessage = (text, bad) => {
    const node = $("silence-message");
    node.textContent = text;
    node.className = "message" + (bad ? " bad" : "");
  };

  $("silence-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const silence = Object.fromEntries([...form].map(([k, v]) => [k, String(v).trim()]));
    try {
      const created = await api("api/silences", { method: "POST", body: silence });
      silenceMessage("Silence " + ((created && created.id) || "") + " set.");
      e.target.reason.value = "";
      await refreshSilences();
    } catch (error) {
      silenceMessage("Not set: " + error.message, true);
    }
  });

  async function endSilence(id) {
    try {
      await api("api/silences/" + encodeURIComponent(id), { method: "DELETE" });
      silenceMessage("Silence " + id + " ended.");
      await refreshSilences();
    } catch (error) {
      silenceMessage("Not ended: " + error.message, true);
    }
  }

  async function refreshInFlight() {
    const actions = list(await api("api/actions/in-flight"), "actions");
    $("inflight-count").textContent = actions.length ? String(actions.length) : "";
    $("inflight-none").hidden = actions.length > 0;
    rows("inflight-rows", actions.map((a) => ({ id: a.id, since: a.since, type: a.type, target: a.target, rule: a.rule })),
      (a) => el("tr", { title: "running " + Math.round((now() - Date.parse(a.since)) / 1000) + " s" },
        el("td", { class: "mono", text: time(a.since) }),
        el("td", { class: "mono", text: a.type }),
        el("td", { text: a.target }),
        el("td", { text: a.rule || "" })));
  }

  function chip(id, text, level) {
    const node = $(id);
    node.textContent = text;
    node.className = "chip " + (level || "");
  }

  // GET /api/health: 200 when ready, 503 (with the same body) when not.
  async function refreshHealth() {
    const health = await api("api/health", { accept: [503] });
    const status = String(health.status || "unknown").toUpperCase();
    chip("chip-health", status.toLowerCase(), status === "UP" ? "ok" : status === "DEGRADED" ? "warn" : "bad");
    $("chip-health").title = "GET /api/health: " + status + (health.ready === false ? " (not ready)" : "");
    if (health.mode) chip("chip-mode", health.mode, health.mode === "dry-run" ? "warn" : "ok");
    // The breaker is "closed", or the sentence saying why and until when it is open.
    const breaker = typeof health.breaker === "string" ? health.breaker : "closed";
    const open = breaker !== "closed";
    chip("chip-breaker", open ? "breaker open" : "breaker closed", open ? "bad" : "ok");
    $("chip-breaker").title = open ? breaker : "the envelope's circuit breaker: closed";
    const sources = list(health.sources, "sources");
    const down = sources.filter((s) => s.up === false);
    chip("chip-sources", sources.length ? (down.length ? down.length + " of " + sources.length + " sources down"
      : sources.length + " sources up") : "no sources", down.length ? "bad" : sources.length ? "ok" : "");
    $("sources").replaceChildren(...sources.map((s) => el("li", { class: s.up === false ? "down" : "", title: s.sampler || "" },
      s.source, s.up === false ? el("span", { class: "count", text: " down since " + time(s.downSince) + ": " + (s.error || "") }) : null)));
    if (!sources.length) $("sources").replaceChildren(el("li", { class: "none", text: "none sampled" }));
  }

  // GET /api/rules: the files and rules running, and how the last compile (start-up or reload) went.
  async function refreshRules() {
    const rules = await api("api/rules");
    const reload = rules.lastReload || {};
    const errors = reload.errors || [];
    const warnings = reload.warnings || [];
    const names = rules.rules || [];
    const files = rules.files || [];
    const ok = reload.ok !== false;
    chip("chip-rules", names.length + " rules" + (ok ? "" : ", reload failed"), ok ? "ok" : "bad");
    $("chip-rules").title = ok ? "rules running from " + (rules.dir || "") : "the last reload failed; the previous rules keep running";
    $("rules-summary").replaceChildren(
      el("div", { text: names.length + " rule(s) from " + files.length + " file(s)" + (rules.dir ? " in " + rules.dir : "") }),
      el("div", { class: "count", text: "last compile " + (reload.at ? dateTime(reload.at) : "–") + ": "
        + (ok ? "ok" + (reload.compileMillis != null ? ", " + reload.compileMillis + " ms" : "") : errors.length + " error(s), not reloaded") }));
    $("rules-problems").replaceChildren(
      ...errors.map((p) => el("li", { class: "error", text: p.text || p.file + ":" + p.line + ": " + p.message })),
      ...warnings.map((p) => el("li", { class: "warning", text: p.text || p.file + ":" + p.line + ": " + p.message })));
    $("rules-files").replaceChildren(...files.map((f) => el("li", { class: "mono", text: f })),
      ...names.map((n) => el("li", { class: "rule-name", text: n })));
  }

  // ---- polling -------------------------------------------------------------------------------------------

  let seriesBusy = false;
  async function pollSeries() {
    if (seriesBusy) return;
    seriesBusy = true;
    try {
      mergeSeries(await api("api/series?since=" + state.cursor + "&markersAfter=" + state.markersAfter));
      render();
    } catch (error) {
      chip("chip-health", "unreachable: " + error.message, "bad");
    } finally {
      seriesBusy = false;
    }
  }

  async function pollState() {
    const parts = [refreshHealth, refreshRules, refreshSilences, refreshInFlight, refreshDecisions];
    await Promise.all(parts.map((part) => part().catch((error) => console.warn(part.name + ": " + error.message))));
  }

  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    readPalette();
    for (const plot of state.plots.values()) plot.key = ""; // rebuilt in the new colors
    render();
  });
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const plot of state.plots.values()) {
        if (plot.chart) plot.chart.setSize({ width: plot.element.querySelector(".chart").clientWidth, height: 190 });
      }
    }, 150);
  });

  pollSeries();
  pollState();
  setInterval(pollSeries, SERIES_EVERY_MS);
  setInterval(pollState, STATE_EVERY_MS);
})();
