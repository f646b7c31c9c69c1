// The report's records table and charts, in the page (no network: the page's
// Content-Security-Policy lets only this script run and fetches nothing).
// - Filter: every word typed must occur in a row's text.
// - Sort: a click on a column header sorts by it; again, the other way.
// - Export: the rows kept, as CSV (UTF-8 with BOM, formula guard as the
//   extractor's own CSV: a cell starting with = + - @ tab CR gets a ').
// - Charts: drawn as SVG from the rows kept, so the browser's own fonts
//   render the Chinese labels.
// The view lives in the address (#q=words&sort=N, N the 1-based column,
// -N descending), so a filtered, sorted view can be shared.
(function () {
  "use strict";

  // ---- pure helpers (also run by tests/test_report.py under node) ----
  function csvCell(value) {
    var v = String(value);
    if (/^[=+\-@\t\r]/.test(v)) { v = "'" + v; }
    return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  function csvLine(cells) { return cells.map(csvCell).join(","); }
  function csvText(header, lines) { return "\ufeff" + [csvLine(header)].concat(lines).join("\r\n") + "\r\n"; }
  function sortKey(text, numeric) {
    if (!numeric) { return text; }
    var x = parseFloat(text);
    return isNaN(x) ? null : x;
  }
  function compareKeys(a, b, numeric) {
    if (a === b) { return 0; }
    if (a === null || a === "") { return 1; }  // empty last, whichever the direction
    if (b === null || b === "") { return -1; }
    return numeric ? a - b : a.localeCompare(b, "zh");
  }
  function countBy(items, key) {
    var out = {};
    items.forEach(function (it) { var k = key(it); if (k) { out[k] = (out[k] || 0) + 1; } });
    return out;
  }
  function mondayOf(day) {  // "YYYY-MM-DD" -> the ISO date of its week's Monday
    var d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() - (d.getUTCDay() + 6) % 7);
    return d.toISOString().slice(0, 10);
  }
  function timeBins(days) {  // per day, or per week over more than 120 days
    if (!days.length) { return { unit: "day", bins: [] }; }
    var sorted = days.slice().sort();
    var span = (Date.parse(sorted[sorted.length - 1]) - Date.parse(sorted[0])) / 864e5;
    var unit = span > 120 ? "week" : "day";
    var counts = countBy(sorted, unit === "week" ? mondayOf : function (d) { return d; });
    var bins = [];
    var step = unit === "week" ? 7 : 1;
    var d = new Date((unit === "week" ? mondayOf(sorted[0]) : sorted[0]) + "T00:00:00Z");
    var last = Date.parse(sorted[sorted.length - 1] + "T00:00:00Z");
    while (d.getTime() <= last) {
      var key = d.toISOString().slice(0, 10);
      bins.push([key, counts[key] || 0]);
      d.setUTCDate(d.getUTCDate() + step);
    }
    return { unit: unit, bins: bins };
  }
  if (typeof document === "undefined") {
    module.exports = { csvCell: csvCell, csvLine: csvLine, csvText: csvText, sortKey: sortKey,
                       compareKeys: compareKeys, countBy: countBy, timeBins: timeBins };
    return;
  }

  // ---- the table ----
  var table = document.getElementById("records");
  var box = document.getElementById("filter");
  var count = document.getElementById("shown");
  var exportLink = document.getElementById("export");
  var labels = JSON.parse(table.getAttribute("data-labels") || "{}");
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var numeric = heads.map(function (th, i) {
    var first = table.tBodies[0].rows[0];
    return Boolean(first && first.cells[i] && first.cells[i].classList.contains("num"));
  });
  function cellText(td) {  // the cell's own text (the original, if any, apart)
    var orig = td.querySelector(".orig");
    var t = td.textContent;
    return orig ? t.slice(0, t.length - orig.textContent.length) : t;
  }
  var items = Array.prototype.slice.call(table.tBodies[0].rows).map(function (row, i) {
    var cells = Array.prototype.slice.call(row.cells).map(cellText);
    var orig = row.querySelector(".orig");
    return { row: row, order: i, text: row.textContent.toLowerCase(), cells: cells,
             csv: csvLine(cells.concat([orig ? orig.textContent : ""])),
             kind: row.getAttribute("data-kind") || "", unit: row.getAttribute("data-unit") || "",
             day: row.getAttribute("data-day") || "", assumed: row.getAttribute("data-assumed") === "1" };
  });
  var header = heads.map(function (th) { return th.textContent.replace(/[▲▼]$/, ""); }).concat(["original"]);
  var sortCol = 0;  // 1-based; negative: descending; 0: as written
  var kept = items;

  function sortRows() {
    var col = Math.abs(sortCol) - 1;
    var sign = sortCol < 0 ? -1 : 1;
    var ordered = items.slice();
    if (col >= 0) {
      var keys = items.map(function (it) { return sortKey(it.cells[col] || "", numeric[col]); });
      ordered.sort(function (a, b) {
        var ka = keys[a.order], kb = keys[b.order];
        var empty = (ka === null || ka === "") - (kb === null || kb === "");
        var c = empty || sign * compareKeys(ka, kb, numeric[col]);
        return c || a.order - b.order;
      });
    }
    var body = table.tBodies[0];
    var frag = document.createDocumentFragment();
    ordered.forEach(function (it) { frag.appendChild(it.row); });
    body.appendChild(frag);
    heads.forEach(function (th, i) {
      th.textContent = header[i] + (i === col ? (sign > 0 ? "▲" : "▼") : "");
      th.setAttribute("aria-sort", i === col ? (sign > 0 ? "ascending" : "descending") : "none");
    });
    return ordered;
  }

  function apply() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    kept = [];
    sortRows().forEach(function (it) {
      var hit = words.every(function (w) { return it.text.indexOf(w) >= 0; });
      it.row.hidden = !hit;
      if (hit) { kept.push(it); }
    });
    count.textContent = kept.length + " of " + items.length;
    exportLink.textContent = "download the " + kept.length + " rows shown (CSV)";
    drawCharts(kept);
  }

  function saveView() {
    if (!(window.history && history.replaceState)) { return; }
    var parts = [];
    if (box.value) { parts.push("q=" + encodeURIComponent(box.value)); }
    if (sortCol) { parts.push("sort=" + sortCol); }
    history.replaceState(null, "", "#" + parts.join("&"));
  }

  var lastUrl = null;
  exportLink.addEventListener("click", function () {
    var blob = new Blob([csvText(header, kept.map(function (it) { return it.csv; }))],
                        { type: "text/csv;charset=utf-8" });
    if (lastUrl) { URL.revokeObjectURL(lastUrl); }
    lastUrl = URL.createObjectURL(blob);
    exportLink.href = lastUrl;
  });
  heads.forEach(function (th, i) {
    th.classList.add("sortable");
    th.title = "sort by " + th.textContent;
    th.addEventListener("click", function () {
      sortCol = Math.abs(sortCol) === i + 1 ? -sortCol : i + 1;
      apply();
      saveView();
    });
  });
  box.addEventListener("input", function () { apply(); saveView(); });

  // ---- the charts ----
  var SVG = "http://www.w3.org/2000/svg";
  var PALETTE = ["#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728", "#ff9896",
                 "#9467bd", "#c5b0d5", "#8c564b", "#c49c94", "#e377c2", "#f7b6d2", "#7f7f7f", "#c7c7c7",
                 "#bcbd22", "#dbdb8d", "#17becf", "#9edae5"];
  // One colour per activity type for every view: by its rank over all rows.
  var allKinds = countBy(items, function (it) { return it.kind; });
  var colorOf = {};
  Object.keys(allKinds).sort(function (a, b) { return allKinds[b] - allKinds[a] || (a < b ? -1 : 1); })
    .forEach(function (k, i) { colorOf[k] = PALETTE[i % PALETTE.length]; });
  function kindLabel(k) { return labels[k] ? labels[k] + " " + k : k; }
  function cut(s, n) { return s.length <= n ? s : s.slice(0, n - 1) + "…"; }
  function node(name, attrs, parent, text) {
    var el = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (a) { el.setAttribute(a, attrs[a]); });
    if (text !== undefined) { el.textContent = text; }  // text, never markup
    if (parent) { parent.appendChild(el); }
    return el;
  }
  function chart(name, width, height, title) {
    var fig = document.getElementById("chart-" + name);
    var old = fig.querySelector("svg");
    if (old) { fig.removeChild(old); }
    var svg = node("svg", { "class": "chart", role: "img", "aria-label": name, width: width, height: height,
                            viewBox: "0 0 " + width + " " + height }, fig);
    node("text", { x: width / 2, y: 16, "text-anchor": "middle", "font-size": 13 }, svg, title);
    return svg;
  }
  function noData(svg, width) {
    node("text", { x: width / 2, y: 60, "text-anchor": "middle", fill: "grey", "font-size": 12 }, svg, "no data");
  }
  function sortedCounts(counts) {
    return Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); });
  }

  function drawActivityCounts(rows) {
    var counts = countBy(rows, function (it) { return it.kind; });
    var kinds = sortedCounts(counts);
    var W = 640, L = 230, bar = 18, top = 30;
    var H = top + Math.max(kinds.length, 3) * (bar + 6) + 10;
    var svg = chart("activity_counts", W, H, "Records per activity type (" + rows.length + " records)");
    if (!kinds.length) { return noData(svg, W); }
    var scale = (W - L - 50) / counts[kinds[0]];
    kinds.forEach(function (k, i) {
      var y = top + i * (bar + 6);
      node("text", { x: L - 6, y: y + bar - 5, "text-anchor": "end", "font-size": 12 }, svg, cut(kindLabel(k), 30));
      node("rect", { x: L, y: y, width: Math.max(counts[k] * scale, 1), height: bar, fill: colorOf[k] }, svg);
      node("text", { x: L + counts[k] * scale + 4, y: y + bar - 5, "font-size": 11 }, svg, String(counts[k]));
    });
  }

  function drawActivityByUnit(rows, topN) {
    var withUnit = rows.filter(function (it) { return it.unit; });
    var units = sortedCounts(countBy(withUnit, function (it) { return it.unit; })).slice(0, topN);
    var W = 800, L = 200, bar = 18, top = 30, legendX = 590;
    var kinds = sortedCounts(countBy(withUnit.filter(function (it) { return units.indexOf(it.unit) >= 0; }),
                                     function (it) { return it.kind; }));
    var H = top + Math.max(units.length, kinds.length, 3) * (bar + 6) + 10;
    var svg = chart("activity_by_unit", W, H, "Activity types by unit (top " + topN + " units by records)");
    if (!units.length) { return noData(svg, W); }
    var per = {};
    withUnit.forEach(function (it) {
      if (units.indexOf(it.unit) < 0) { return; }
      per[it.unit] = per[it.unit] || {};
      per[it.unit][it.kind] = (per[it.unit][it.kind] || 0) + 1;
    });
    var most = 0;
    units.forEach(function (u) { var n = 0; kinds.forEach(function (k) { n += per[u][k] || 0; }); most = Math.max(most, n); });
    var scale = (legendX - L - 40) / most;
    units.forEach(function (u, i) {
      var y = top + i * (bar + 6), x = L, n = 0;
      node("text", { x: L - 6, y: y + bar - 5, "text-anchor": "end", "font-size": 12 }, svg, cut(u, 16));
      kinds.forEach(function (k) {
        var c = per[u][k] || 0;
        if (!c) { return; }
        node("rect", { x: x, y: y, width: c * scale, height: bar, fill: colorOf[k] }, svg);
        x += c * scale;
        n += c;
      });
      node("text", { x: x + 4, y: y + bar - 5, "font-size": 11 }, svg, String(n));
    });
    kinds.forEach(function (k, i) {
      var y = top + i * (bar + 6);
      node("rect", { x: legendX, y: y + 3, width: 12, height: 12, fill: colorOf[k] }, svg);
      node("text", { x: legendX + 18, y: y + bar - 5, "font-size": 11 }, svg, cut(kindLabel(k), 26));
    });
  }

  function drawTimeline(rows) {
    var dated = rows.filter(function (it) { return it.day; });
    var assumed = dated.filter(function (it) { return it.assumed; }).length;
    var t = timeBins(dated.map(function (it) { return it.day; }));
    var W = 800, H = 260, L = 44, B = 46, top = 30;
    var title = dated.length
      ? "Records over time: " + dated.length + " dated" + (assumed ? " (" + assumed + " in an assumed year)" : "") +
        ", " + (rows.length - dated.length) + " without a day"
      : "Records over time (none of " + rows.length + " records has a day)";
    var svg = chart("timeline", W, H, title);
    if (!t.bins.length) { return noData(svg, W); }
    var most = Math.max.apply(null, t.bins.map(function (b) { return b[1]; }));
    var step = (W - L - 10) / t.bins.length;
    var scale = (H - top - B) / most;
    node("line", { x1: L, y1: H - B, x2: W - 10, y2: H - B, stroke: "#999" }, svg);
    node("text", { x: L - 6, y: top + 10, "text-anchor": "end", "font-size": 11 }, svg, String(most));
    node("text", { x: L - 6, y: H - B, "text-anchor": "end", "font-size": 11 }, svg, "0");
    node("text", { x: 12, y: (top + H - B) / 2, "font-size": 11, transform: "rotate(-90 12 " + (top + H - B) / 2 + ")",
                   "text-anchor": "middle" }, svg, "records per " + t.unit);
    var every = Math.max(1, Math.ceil(t.bins.length / 8));
    t.bins.forEach(function (b, i) {
      var x = L + i * step;
      if (b[1]) {
        node("rect", { x: x + step * 0.1, y: H - B - b[1] * scale, width: Math.max(step * 0.8, 1),
                       height: b[1] * scale, fill: "#4c72b0" }, svg);
      }
      if (i % every === 0) {
        node("text", { x: x + step / 2, y: H - B + 16, "text-anchor": "middle", "font-size": 10 }, svg, b[0]);
      }
    });
  }

  function drawCharts(rows) {
    drawActivityCounts(rows);
    drawActivityByUnit(rows, 12);
    drawTimeline(rows);
  }

  // ---- the view in the address ----
  window.location.hash.replace(/^#/, "").split("&").forEach(function (part) {
    var eq = part.indexOf("=");
    var key = eq < 0 ? part : part.slice(0, eq), value = eq < 0 ? "" : part.slice(eq + 1);
    try { value = decodeURIComponent(value); } catch (e) { value = ""; }
    if (key === "q") { box.value = value; }
    if (key === "sort" && /^-?\d+$/.test(value) && Math.abs(+value) <= heads.length) { sortCol = +value; }
  });
  apply();
})();
