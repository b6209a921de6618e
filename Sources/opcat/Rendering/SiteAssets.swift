/// The style and script of `opcat export html`, written into every page (no file is fetched).
/// The script inserts every string from the data as text (`textContent`), never as markup.
enum SiteAssets {
    static let css = #"""
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;
        max-width:1400px;padding:0 20px 40px;color:#1d1d1f;background:#fff}
        h1{font-size:26px;margin:18px 0 4px}h2{font-size:20px;margin:28px 0 8px;border-bottom:1px solid #ddd}
        .note{color:#555}.warning{background:#fff4e5;border-left:4px solid #f0a020;padding:6px 12px}
        table{border-collapse:collapse;font-variant-numeric:tabular-nums}
        th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
        th{background:#f6f6f8;position:sticky;top:0;cursor:default;white-space:nowrap}
        #models th{cursor:pointer}#models th[aria-sort=ascending]::after{content:" ▲"}
        #models th[aria-sort=descending]::after{content:" ▼"}
        .num{text-align:right;white-space:nowrap}td.num{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:13px}
        .controls{display:flex;flex-wrap:wrap;gap:8px 18px;align-items:center;margin:6px 0}
        .controls label{white-space:nowrap}#column-choice label{margin-right:8px;font-size:13px}
        #chart svg{max-width:100%;height:auto}.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px}
        .legend button{border:0;background:none;cursor:pointer;padding:2px 4px;font:inherit}
        .legend button[aria-pressed=false]{opacity:.35;text-decoration:line-through}
        .swatch{display:inline-block;vertical-align:-2px;margin-right:5px}
        #chart-info{min-height:1.4em;font-size:13px;color:#333}
        .tree{font-size:13px}.tree summary,.tree .leaf{display:grid;
        grid-template-columns:minmax(240px,420px) 60px 110px 150px 70px 200px;gap:8px;align-items:center;padding:1px 0}
        .tree summary{cursor:pointer;list-style:none}.tree summary::-webkit-details-marker{display:none}
        .tree summary .name::before{content:"▸ ";color:#777}.tree details[open]>summary .name::before{content:"▾ "}
        .tree .head{font-weight:600;border-bottom:1px solid #ddd}
        .tree .num{font-family:ui-monospace,"DejaVu Sans Mono",monospace}
        .bar{background:#eef;height:10px;display:block}.bar span{background:#4a6fd4;height:10px;display:block}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px}dl.facts dt{color:#555}
        dl.facts dd{margin:0}
        """#

    static let indexScript = #"""
        (function () {
        "use strict";
        var started = performance.now();
        var bench = /(^|&)bench=1/.test(location.hash.slice(1));
        var data = JSON.parse(document.getElementById("opcat-data").textContent);
        var views = data.views, own = views[0].rows;
        var COLUMNS = [
          {key: "model", title: "model"}, {key: "checkpoint", title: "checkpoint"},
          {key: "family", title: "family"}, {key: "zoo", title: "zoo"},
          {key: "format", title: "format", hidden: true}, {key: "input", title: "input"},
          {key: "params", title: "params (M)", exp: 6}, {key: "macs", title: "MACs (G)", exp: 9},
          {key: "flops", title: "FLOPs (G)", exp: 9}, {key: "activations", title: "activations (M)", exp: 6, hidden: true},
          {key: "backbone_params", title: "backbone params (M)", exp: 6, hidden: true},
          {key: "backbone_macs", title: "backbone MACs (G)", exp: 9},
          {key: "backbone_flops", title: "backbone FLOPs (G)", exp: 9, hidden: true},
          {key: "top1", title: "top-1", acc: true}, {key: "top5", title: "top-5", acc: true},
          {key: "parent", title: "float parent", hidden: true}
        ];
        var SVG = "http://www.w3.org/2000/svg";
        function $(id) { return document.getElementById(id); }
        // Control and bidirectional characters shown as escapes, as opcat's text output does, so
        // a name cannot reorder or hide what is around it.
        function visible(s) {
          return String(s).replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
            function (c) { return "\\u{" + c.charCodeAt(0).toString(16).toUpperCase() + "}"; });
        }
        function el(tag, text, cls) {
          var e = document.createElement(tag);
          if (text !== undefined && text !== null) e.textContent = visible(text);
          if (cls) e.className = cls;
          return e;
        }
        function svg(tag, attrs) {
          var e = document.createElementNS(SVG, tag);
          for (var k in attrs) e.setAttribute(k, attrs[k]);
          return e;
        }
        function grouped(v) { return v.toLocaleString("en-US"); }
        function scaled(v, exp) { return (v / Math.pow(10, exp)).toFixed(2); }
        function percent(v) { return (v * 100).toFixed(2) + "%"; }
        function compare(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

        // The view, kept in the address so it can be linked.
        var state = {};
        function readState() {
          var p = new URLSearchParams(location.hash.slice(1));
          state = {
            sort: p.get("sort") || "", desc: p.get("desc") === "1", q: p.get("q") || "",
            family: p.get("family") || "", zoo: p.get("zoo") || "", exact: p.get("exact") === "1",
            cols: p.has("cols") ? p.get("cols").split(",") : null,
            x: p.get("x") || "macs", log: p.get("log") !== "0", backbone: p.get("backbone") === "1",
            y: p.get("y") || "top1", off: p.has("off") ? p.get("off").split(",").filter(Boolean) : [],
            budget: p.get("budget") || "", measure: p.get("budget-measure") || "macs",
            budgetBackbone: p.get("budget-backbone") === "1", budgetInput: p.get("budget-input") || "own",
            metric: p.get("metric") || "top1"
          };
        }
        function writeState() {
          var p = new URLSearchParams();
          if (state.sort) p.set("sort", state.sort);
          if (state.desc) p.set("desc", "1");
          if (state.q) p.set("q", state.q);
          if (state.family) p.set("family", state.family);
          if (state.zoo) p.set("zoo", state.zoo);
          if (state.exact) p.set("exact", "1");
          if (state.cols) p.set("cols", state.cols.join(","));
          if (state.x !== "macs") p.set("x", state.x);
          if (!state.log) p.set("log", "0");
          if (state.backbone) p.set("backbone", "1");
          if (state.y !== "top1") p.set("y", state.y);
          if (state.off.length) p.set("off", state.off.join(","));
          if (state.budget) p.set("budget", state.budget);
          if (state.measure !== "macs") p.set("budget-measure", state.measure);
          if (state.budgetBackbone) p.set("budget-backbone", "1");
          if (state.budgetInput !== "own") p.set("budget-input", state.budgetInput);
          if (state.metric !== "top1") p.set("metric", state.metric);
          var hash = p.toString();
          history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
        }

        function visibleColumns() {
          return COLUMNS.filter(function (c) { return state.cols ? state.cols.indexOf(c.key) >= 0 : !c.hidden; });
        }
        function selected() {
          var q = state.q.toLowerCase();
          return own.filter(function (r) {
            if (state.family && r.family !== state.family) return false;
            if (state.zoo && r.zoo !== state.zoo) return false;
            if (q && [r.model, r.checkpoint, r.family].join(" ").toLowerCase().indexOf(q) < 0) return false;
            return true;
          });
        }

        function renderTable(rows) {
          var columns = visibleColumns();
          if (state.sort) {
            var key = state.sort, sign = state.desc ? -1 : 1;
            rows = rows.slice().sort(function (a, b) {
              var x = a[key], y = b[key];
              if (x === null || x === undefined) return (y === null || y === undefined) ? 0 : 1;
              if (y === null || y === undefined) return -1;
              return sign * (typeof x === "number" ? x - y : compare(String(x), String(y)));
            });
          }
          var head = el("tr");
          columns.forEach(function (c) {
            var th = el("th", c.title, c.exp !== undefined || c.acc ? "num" : "");
            th.dataset.key = c.key;
            th.setAttribute("aria-sort", state.sort === c.key ? (state.desc ? "descending" : "ascending") : "none");
            th.addEventListener("click", function () {
              if (state.sort === c.key) state.desc = !state.desc; else { state.sort = c.key; state.desc = false; }
              update();
            });
            head.appendChild(th);
          });
          var body = document.createElement("tbody");
          rows.forEach(function (r) {
            var tr = el("tr");
            columns.forEach(function (c) {
              var v = r[c.key], td;
              if (c.key === "model") {
                td = el("td");
                var a = el("a", r.model);
                a.href = "models/" + encodeURIComponent(r.page);
                td.appendChild(a);
              } else if (v === null || v === undefined) {
                td = el("td", "", c.exp !== undefined || c.acc ? "num" : "");
              } else if (c.exp !== undefined) {
                td = el("td", state.exact ? grouped(v) : scaled(v, c.exp), "num");
                td.title = String(v);
              } else if (c.acc) {
                td = el("td", percent(v), "num");
                td.title = String(v);
              } else {
                td = el("td", v);
              }
              tr.appendChild(td);
            });
            body.appendChild(tr);
          });
          var table = $("models");
          table.tHead.replaceChildren(head);
          table.replaceChild(body, table.tBodies[0]);
          $("table-summary").textContent = rows.length + " of " + own.length + " checkpoints" +
            (rows.length < own.length ? " (filtered)" : "");
        }

        // The Pareto chart: one point per checkpoint with both figures, the front as a step line.
        function axisValue(r) {
          if (state.x.indexOf("speed:") === 0) {
            var v = r.speeds[state.x.slice(6)];
            return v === undefined ? null : v;
          }
          var v2 = r[(state.backbone ? "backbone_" : "") + state.x];
          return v2 === undefined ? null : v2;
        }
        // Colours and markers per family come with the data: the same as in opcat's SVG charts.
        function familyStyle(family) { return data.styles[family || ""] || {colour: "#777", shape: "circle"}; }
        function marker(family, x, y, r, stroke) {
          var style = familyStyle(family), paint = {fill: style.colour, stroke: stroke, "stroke-width": 1.2, "class": "point"};
          if (style.hollow) {
            paint.fill = "#fff";
            paint.stroke = stroke === "#111" ? "#111" : style.colour;
            paint["stroke-width"] = stroke === "#111" ? 2.4 : 1.8;
          }
          if (style.shape === "square") {
            var s = r * 0.9;
            paint.x = (x - s).toFixed(1); paint.y = (y - s).toFixed(1); paint.width = paint.height = (2 * s).toFixed(1);
            return svg("rect", paint);
          }
          if (style.shape === "triangle") {
            var t = r * 1.2;
            paint.d = "M" + x.toFixed(1) + " " + (y - t).toFixed(1) + "L" + (x + t).toFixed(1) + " " + (y + 0.75 * t).toFixed(1) +
              "L" + (x - t).toFixed(1) + " " + (y + 0.75 * t).toFixed(1) + "Z";
            return svg("path", paint);
          }
          paint.cx = x.toFixed(1); paint.cy = y.toFixed(1); paint.r = r;
          return svg("circle", paint);
        }
        function ticks(min, max, log) {
          var out = [];
          if (log) {
            for (var e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
              [1, 2, 5].forEach(function (m) { var t = m * Math.pow(10, e); if (t >= min && t <= max) out.push(t); });
            }
            return out;
          }
          var step = Math.pow(10, Math.floor(Math.log10((max - min) || 1)));
          if ((max - min) / step < 4) step /= 2;
          if ((max - min) / step < 4) step /= 2;
          for (var t = Math.ceil(min / step) * step; t <= max + 1e-9; t += step) out.push(t);
          return out;
        }
        function tickLabel(v) {
          if (v >= 1e12) return +(v / 1e12).toPrecision(3) + "T";
          if (v >= 1e9) return +(v / 1e9).toPrecision(3) + "G";
          if (v >= 1e6) return +(v / 1e6).toPrecision(3) + "M";
          if (v >= 1e3) return +(v / 1e3).toPrecision(3) + "K";
          return +v.toPrecision(3) + "";
        }
        function front(points, higherIsBetter) {
          var sorted = points.slice().sort(function (a, b) {
            var ca = higherIsBetter ? -a.x : a.x, cb = higherIsBetter ? -b.x : b.x;
            return ca - cb || b.y - a.y || compare(a.r.model, b.r.model) || compare(a.r.checkpoint || "", b.r.checkpoint || "");
          });
          var out = [];
          sorted.forEach(function (p) {
            var last = out[out.length - 1];
            if (!last || p.y > last.y || (p.y === last.y && p.x === last.x)) out.push(p);
          });
          return out;
        }
        function renderChart(rows) {
          var W = 1140, H = 560, L = 70, R = 20, T = 20, B = 50;
          var speed = state.x.indexOf("speed:") === 0;
          var points = [], missing = 0, hidden = 0;
          rows.forEach(function (r) {
            var x = axisValue(r), y = r[state.y];
            if (x === null || y === null || (state.log && x <= 0)) { missing++; return; }
            if (state.off.indexOf(r.family || "") >= 0) { hidden++; return; }
            points.push({r: r, x: x, y: y});
          });
          var chart = $("chart");
          var root = svg("svg", {viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img"});
          var title = svg("title", {});
          title.textContent = "Accuracy against cost";
          root.appendChild(title);
          var pw = W - L - R, ph = H - T - B;
          if (points.length) {
            var xs = points.map(function (p) { return p.x; }), ys = points.map(function (p) { return p.y; });
            var xMin = Math.min.apply(null, xs), xMax = Math.max.apply(null, xs);
            var yMin = Math.min.apply(null, ys), yMax = Math.max.apply(null, ys);
            if (state.log) { xMin /= 1.15; xMax *= 1.15; } else { var dx = (xMax - xMin) * 0.05 || xMax * 0.05 || 1; xMin = Math.max(0, xMin - dx); xMax += dx; }
            var dy = (yMax - yMin) * 0.05 || 0.01; yMin -= dy; yMax += dy;
            var px = function (v) { return L + (state.log ? (Math.log10(v) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin)) : (v - xMin) / (xMax - xMin)) * pw; };
            var py = function (v) { return T + (1 - (v - yMin) / (yMax - yMin)) * ph; };
            ticks(xMin, xMax, state.log).forEach(function (t) {
              root.appendChild(svg("line", {x1: px(t), x2: px(t), y1: T, y2: T + ph, stroke: "#eee"}));
              var label = svg("text", {x: px(t), y: T + ph + 18, "text-anchor": "middle", "font-size": 12, fill: "#444"});
              label.textContent = tickLabel(t);
              root.appendChild(label);
            });
            ticks(yMin, yMax, false).forEach(function (t) {
              root.appendChild(svg("line", {x1: L, x2: L + pw, y1: py(t), y2: py(t), stroke: "#eee"}));
              var label = svg("text", {x: L - 6, y: py(t) + 4, "text-anchor": "end", "font-size": 12, fill: "#444"});
              label.textContent = (t * 100).toFixed(0) + "%";
              root.appendChild(label);
            });
            var f = front(points, speed);
            var d = f.map(function (p, i) {
              return (i ? "H" + px(p.x).toFixed(1) + "V" : "M" + px(p.x).toFixed(1) + " ") + py(p.y).toFixed(1);
            }).join("");
            root.appendChild(svg("path", {d: d, fill: "none", stroke: "#333", "stroke-dasharray": "5 4"}));
            var onFront = new Set(f);
            points.forEach(function (p) {
              var link = svg("a", {href: "models/" + encodeURIComponent(p.r.page)});
              var c = marker(p.r.family, px(p.x), py(p.y), onFront.has(p) ? 5.5 : 4, onFront.has(p) ? "#111" : "#fff");
              var tip = svg("title", {});
              tip.textContent = visible(describe(p.r));
              c.appendChild(tip);
              c.addEventListener("mouseenter", function () { $("chart-info").textContent = visible(describe(p.r)); });
              link.appendChild(c);
              root.appendChild(link);
            });
            var xl = svg("text", {x: L + pw / 2, y: H - 10, "text-anchor": "middle", "font-size": 13});
            xl.textContent = (speed ? state.x.slice(6) + " samples/s" : (state.backbone ? "backbone " : "") +
              $("chart-x").selectedOptions[0].textContent) + (state.log ? " (log)" : "");
            root.appendChild(xl);
            renderFront(f, speed);
          } else {
            renderFront([], speed);
          }
          var yl = svg("text", {x: 16, y: T + ph / 2, "text-anchor": "middle", "font-size": 13,
            transform: "rotate(-90 16 " + (T + ph / 2) + ")"});
          yl.textContent = state.y === "top1" ? "ImageNet top-1" : "ImageNet top-5";
          root.appendChild(yl);
          chart.replaceChildren(root);
          var info = el("p", "", "note");
          info.id = "chart-info";
          info.textContent = points.length + " points" + (missing ? "; " + missing + " checkpoints not drawn (no " +
            (state.y === "top1" ? "top-1" : "top-5") + " or no such cost)" : "") + (hidden ? "; " + hidden + " in hidden families" : "");
          chart.appendChild(info);
          renderLegend(rows);
        }
        function describe(r) {
          var parts = [r.model + (r.checkpoint && r.checkpoint !== r.model ? " · " + r.checkpoint : ""), "input " + r.input];
          if (r.macs !== null) parts.push(scaled(r.macs, 9) + " G MACs");
          parts.push(scaled(r.params, 6) + " M params");
          if (r.top1 !== null) parts.push("top-1 " + percent(r.top1));
          return parts.join(", ");
        }
        function renderFront(f, speed) {
          var what = speed ? "faster" : "cheaper";
          $("front-summary").textContent = f.length + " checkpoints are on the Pareto front: no other is at least as accurate and " +
            (speed ? "at least as fast" : "no more costly") + " (" + what + " first).";
          var list = $("front-list");
          list.replaceChildren();
          f.forEach(function (p) {
            var li = el("li");
            var a = el("a", p.r.model + (p.r.checkpoint && p.r.checkpoint !== p.r.model ? " · " + p.r.checkpoint : ""));
            a.href = "models/" + encodeURIComponent(p.r.page);
            li.appendChild(a);
            li.appendChild(document.createTextNode(visible(" — " + percent(p.y) + ", " + (speed ? p.x.toFixed(0) + " samples/s" :
              tickLabel(p.x) + " " + $("chart-x").selectedOptions[0].textContent + (state.backbone ? " (backbone)" : "")))));
            list.appendChild(li);
          });
        }
        function renderLegend(rows) {
          var families = [];
          rows.forEach(function (r) { var f = r.family || ""; if (families.indexOf(f) < 0) families.push(f); });
          families.sort();
          var legend = $("legend");
          legend.replaceChildren();
          families.forEach(function (f) {
            var b = el("button");
            b.type = "button";
            var sw = document.createElementNS(SVG, "svg");
            sw.setAttribute("width", 14); sw.setAttribute("height", 14); sw.setAttribute("class", "swatch");
            sw.appendChild(marker(f, 7, 7, 5, "#fff")).removeAttribute("class");
            b.appendChild(sw);
            b.appendChild(document.createTextNode(visible(f || "(no family)")));
            b.setAttribute("aria-pressed", state.off.indexOf(f) < 0 ? "true" : "false");
            b.addEventListener("click", function () {
              var i = state.off.indexOf(f);
              if (i >= 0) state.off.splice(i, 1); else state.off.push(f);
              update();
            });
            legend.appendChild(b);
          });
        }

        // Best under a budget, ranked as `opcat best` ranks: most accurate, then cheapest, then by name.
        function parseBudget(text) {
          var m = /^\s*(\d*)(?:\.(\d*))?\s*([kKmMgGtT]?)\s*$/.exec(text);
          if (!m || (m[1] === "" && !m[2])) return null;
          var exp = {"": 0, k: 3, m: 6, g: 9, t: 12}[m[3].toLowerCase()];
          var fraction = m[2] || "";
          if (fraction.length > exp) return null;
          return Number((m[1] || "0") + fraction + "0".repeat(exp - fraction.length));
        }
        function renderBudget() {
          var answer = $("budget-answer");
          answer.replaceChildren();
          if (!state.budget) { answer.appendChild(el("p", "Give a budget (e.g. 2G or 30M) for the most accurate checkpoints within it.", "note")); return; }
          var max = parseBudget(state.budget);
          if (max === null) { answer.appendChild(el("p", "'" + state.budget + "' is not a budget; write a number with an optional K, M, G or T suffix (e.g. 2G).", "warning")); return; }
          var view = views.filter(function (v) { return v.key === state.budgetInput; })[0] || views[0];
          var key = (state.budgetBackbone ? "backbone_" : "") + state.measure;
          var fits = [], unranked = [], uncosted = [];
          view.rows.forEach(function (r) {
            if (state.family && r.family !== state.family) return;
            if (state.zoo && r.zoo !== state.zoo) return;
            var c = r[key];
            if (c === null || c === undefined) { if (uncosted.indexOf(r.model) < 0) uncosted.push(r.model); return; }
            if (c > max) return;
            var a = r[state.metric];
            if (a === null) { if (unranked.indexOf(r.model) < 0) unranked.push(r.model); return; }
            fits.push({r: r, a: a, c: c});
          });
          fits.sort(function (x, y) { return y.a - x.a || x.c - y.c || compare(x.r.model, y.r.model); });
          var where = view.key === "own" ? view.label : "at " + view.key;
          var metric = state.metric === "top1" ? "top-1" : "top-5";
          var measureTitle = {macs: "MACs", params: "params", flops: "FLOPs"}[state.measure];
          answer.appendChild(el("p", fits.length + " checkpoints within " + (state.budgetBackbone ? "backbone " : "") + measureTitle +
            " ≤ " + state.budget + ", " + where + (state.family ? ", family " + state.family : "") +
            (state.zoo ? ", zoo " + state.zoo : "") + ", by " + metric, "summary"));
          if (fits.length) {
            var table = el("table");
            table.id = "budget-table";
            var head = el("tr");
            ["#", "model", "checkpoint", metric, "input", (state.budgetBackbone ? "backbone " : "") + measureTitle].forEach(function (t) { head.appendChild(el("th", t)); });
            table.appendChild(el("thead")).appendChild(head);
            var body = table.appendChild(el("tbody"));
            fits.slice(0, 10).forEach(function (f, i) {
              var tr = el("tr");
              tr.appendChild(el("td", i + 1, "num"));
              var td = el("td", "", "model");
              var a = el("a", f.r.model);
              a.href = "models/" + encodeURIComponent(f.r.page);
              td.appendChild(a);
              tr.appendChild(td);
              tr.appendChild(el("td", f.r.checkpoint || "", "checkpoint"));
              tr.appendChild(el("td", percent(f.a), "num"));
              tr.appendChild(el("td", f.r.input));
              var cost = el("td", grouped(f.c), "num cost");
              tr.appendChild(cost);
              body.appendChild(tr);
            });
            answer.appendChild(table);
          }
          function names(list) { return list.slice(0, 8).join(", ") + (list.length > 8 ? " and " + (list.length - 8) + " more" : ""); }
          if (unranked.length) answer.appendChild(el("p", unranked.length + " models within the budget have no " + metric + " figure and are not ranked: " + names(unranked) + ".", "warning"));
          if (uncosted.length) answer.appendChild(el("p", uncosted.length + " models have no " + (state.budgetBackbone ? "backbone " : "") + measureTitle + " (no backbone end found) and are left out: " + names(uncosted) + ".", "warning"));
          if (view.missing.length) answer.appendChild(el("p", view.missing.length + " models have no profile at " + view.key + " and are left out: " + names(view.missing) + "; store them with `opcat profile --input " + view.key + "` and export again.", "warning"));
        }

        function fillControls() {
          var families = [], zoos = [];
          own.forEach(function (r) {
            if (r.family && families.indexOf(r.family) < 0) families.push(r.family);
            if (r.zoo && zoos.indexOf(r.zoo) < 0) zoos.push(r.zoo);
          });
          families.sort().forEach(function (f) { var o = el("option", f); o.value = f; $("filter-family").appendChild(o); });
          zoos.sort().forEach(function (z) { var o = el("option", z); o.value = z; $("filter-zoo").appendChild(o); });
          views.forEach(function (v) { var o = el("option", v.label); o.value = v.key; $("budget-input").appendChild(o); });
          var settings = [];
          own.forEach(function (r) { Object.keys(r.speeds).forEach(function (s) { if (settings.indexOf(s) < 0) settings.push(s); }); });
          settings.sort().forEach(function (s) { var o = el("option", "throughput (" + s + ")"); o.value = "speed:" + s; $("chart-x").appendChild(o); });
          COLUMNS.forEach(function (c) {
            var label = el("label"), box = el("input");
            box.type = "checkbox";
            box.dataset.key = c.key;
            box.addEventListener("change", function () {
              var keys = [];
              document.querySelectorAll("#column-choice input").forEach(function (b) { if (b.checked) keys.push(b.dataset.key); });
              state.cols = keys;
              update();
            });
            label.appendChild(box);
            label.appendChild(document.createTextNode(" " + c.title));
            $("column-choice").appendChild(label);
          });
          function bind(id, field, event, read) {
            $(id).addEventListener(event, function () { state[field] = read($(id)); update(); });
          }
          var value = function (e) { return e.value; }, checked = function (e) { return e.checked; };
          bind("filter-text", "q", "input", value);
          bind("filter-family", "family", "change", value);
          bind("filter-zoo", "zoo", "change", value);
          bind("exact", "exact", "change", checked);
          bind("chart-x", "x", "change", value);
          bind("chart-log", "log", "change", checked);
          bind("chart-backbone", "backbone", "change", checked);
          bind("chart-y", "y", "change", value);
          bind("budget-max", "budget", "input", value);
          bind("budget-measure", "measure", "change", value);
          bind("budget-backbone", "budgetBackbone", "change", checked);
          bind("budget-input", "budgetInput", "change", value);
          bind("budget-metric", "metric", "change", value);
          $("budget").addEventListener("submit", function (e) { e.preventDefault(); });
          ["budget-section", "chart-controls", "table-controls"].forEach(function (id) { $(id).hidden = false; });
        }
        function syncControls() {
          $("filter-text").value = state.q;
          $("filter-family").value = state.family;
          $("filter-zoo").value = state.zoo;
          $("exact").checked = state.exact;
          $("chart-x").value = state.x;
          if ($("chart-x").value !== state.x) { state.x = "macs"; $("chart-x").value = "macs"; }
          $("chart-log").checked = state.log;
          $("chart-backbone").checked = state.backbone;
          $("chart-y").value = state.y;
          $("budget-max").value = state.budget;
          $("budget-measure").value = state.measure;
          $("budget-backbone").checked = state.budgetBackbone;
          $("budget-input").value = state.budgetInput;
          $("budget-metric").value = state.metric;
          var keys = visibleColumns().map(function (c) { return c.key; });
          document.querySelectorAll("#column-choice input").forEach(function (b) { b.checked = keys.indexOf(b.dataset.key) >= 0; });
        }
        function update() {
          writeState();
          var rows = selected();
          renderTable(rows);
          renderChart(rows);
          renderBudget();
        }
        readState();
        fillControls();
        syncControls();
        update();
        window.addEventListener("hashchange", function () { readState(); syncControls(); update(); });
        document.body.dataset.renderMs = (performance.now() - started).toFixed(1);
        if (bench) {
          var t0 = performance.now(), saved = state.q;
          state.q = "resnet";
          update();
          document.body.dataset.filterMs = (performance.now() - t0).toFixed(1);
          state.q = saved;
          update();
        }
        document.body.dataset.ready = "1";
        })();
        """#
}
