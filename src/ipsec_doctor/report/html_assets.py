"""The static CSS and the one script of the HTML report.

Both are constants with no report data in them, so the page's
Content-Security-Policy can allow exactly them by hash: nothing a config
says can become code.
"""

from __future__ import annotations

import base64
import hashlib

VERDICT_COLOURS = {
    "up": "#2e7d32",
    "fails": "#c62828",
    "depends-on-initiator": "#ef6c00",
    "unknown": "#9e9e9e",
}

CSS = """
:root{--up:#2e7d32;--fails:#c62828;--dep:#ef6c00;--unk:#9e9e9e;--bg:#fafafa;--fg:#212121;--mut:#616161;--line:#e0e0e0}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main{max-width:1280px;margin:0 auto;padding:0 16px}
header h1{font-size:22px;margin:16px 0 4px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}
.muted{color:var(--mut)}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:22px}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;background:var(--unk);white-space:nowrap}
.v-up{background:var(--up)}.v-fails{background:var(--fails)}.v-depends-on-initiator{background:var(--dep)}.v-unknown{background:var(--unk)}
.s-error{background:var(--fails)}.s-warning{background:var(--dep)}.s-info{background:#1565c0}
.d-none{background:var(--up)}.d-renegotiates-tunnel{background:#f9a825;color:#000}.d-drops-tunnel{background:var(--dep)}
.d-drops-all-tunnels{background:var(--fails)}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0;position:sticky;top:0}
td code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
.finding{background:#fff;border:1px solid var(--line);border-left:5px solid var(--unk);border-radius:4px;padding:8px 12px;margin:10px 0}
.finding.sev-error{border-left-color:var(--fails)}.finding.sev-warning{border-left-color:var(--dep)}
.finding.sev-info{border-left-color:#1565c0}
.finding p{margin:6px 0;white-space:pre-wrap}
pre{margin:4px 0;background:#263238;color:#eceff1;padding:6px 8px;border-radius:4px;overflow-x:auto;font-size:12px}
pre.excerpt{background:#f5f5f5;color:#212121;border:1px solid var(--line)}
pre.excerpt mark{background:#fff59d;color:#000;display:inline-block;width:100%}
.ln{color:#9e9e9e;user-select:none}
.fix{margin:8px 0}
button{font:inherit;font-size:12px;padding:2px 10px;border:1px solid #9e9e9e;border-radius:4px;background:#fff;cursor:pointer}
button:hover{background:#eee}
.copied{border-color:var(--up);color:var(--up)}
#topo-wrap{background:#fff;border:1px solid var(--line);border-radius:6px;position:relative}
#topo{width:100%;height:560px;display:block;cursor:grab}
#topo.small{height:300px}
#topo-tools{padding:6px;display:flex;gap:6px;align-items:center;flex-wrap:wrap;border-bottom:1px solid var(--line)}
.legend span{margin-right:10px}
.sw{display:inline-block;width:18px;height:4px;vertical-align:middle;margin-right:4px}
.sw-up{background:var(--up)}.sw-fails{background:var(--fails)}.sw-dep{background:var(--dep)}.sw-unk{background:var(--unk)}
svg .node circle{fill:#eceff1;stroke:#455a64;stroke-width:1.5}
svg .node.hub circle{fill:#cfd8dc;stroke-width:2.5}
svg .node.external circle{fill:#fff;stroke-dasharray:4 3}
svg .node.bad circle{stroke:var(--fails);stroke-width:2.5}
svg text{font-size:11px;fill:#263238;pointer-events:none}
svg .edge{fill:none;stroke-width:2}
svg .edge.bad{stroke-width:3.5}
svg .cbadge{display:none}
svg .cbadge rect{fill:var(--up)}
svg .cbadge text{fill:#fff;font-weight:600}
svg.collapsed .hs{display:none}
svg.collapsed .cbadge{display:inline}
.timeline{list-style:none;padding-left:0;margin:4px 0;border-left:3px solid var(--line)}
.timeline li{padding:2px 0 2px 10px}
.timeline .raw{display:block}
.ladder-wrap{background:#fff;border:1px solid var(--line);border-radius:6px;overflow-x:auto;padding:4px}
svg.ladder{display:block;max-width:100%;height:auto}
svg.ladder .life{stroke:#90a4ae;stroke-width:2}
svg.ladder .who{font-weight:600;font-size:12px}
svg.ladder .who-dev,svg.ladder .frame{fill:var(--mut)}
svg.ladder .sess{fill:var(--mut);font-style:italic}
svg.ladder .msg,svg.ladder .esp{stroke:#37474f;stroke-width:1.5}
svg.ladder .esp{stroke-width:3}
svg.ladder .retx{stroke-dasharray:5 4}
svg.ladder .err{stroke:var(--fails)}
svg.ladder .tip path{fill:#37474f}
svg.ladder .tip.err path{fill:var(--fails)}
svg.ladder .notify,svg.ladder .stop-lbl{fill:var(--fails);font-weight:600}
svg.ladder .retx-lbl{fill:var(--dep)}
svg.ladder .stop{fill:#ffebee;stroke:var(--fails);stroke-width:1}
tr:target,.finding:target{outline:3px solid #42a5f5}
.offscreen{position:fixed;left:-9999px;top:0}
footer{max-width:1280px;margin:24px auto;padding:0 16px;color:var(--mut);font-size:12px}
"""

# The only script.  It reads data from the DOM (never from an embedded data
# blob), so it is byte-identical for every report and its hash is constant.
SCRIPT = r"""
(function () {
  "use strict";
  var svg = document.getElementById("topo");
  if (svg) {
    var base = svg.getAttribute("viewBox").split(" ").map(Number);
    var vb = base.slice();
    var apply = function () { svg.setAttribute("viewBox", vb.join(" ")); };
    var zoom = function (factor, cx, cy) {
      var w = vb[2] * factor, h = vb[3] * factor;
      if (w < base[2] / 40 || w > base[2] * 4) { return; }
      if (cx === undefined) { cx = vb[0] + vb[2] / 2; cy = vb[1] + vb[3] / 2; }
      vb = [cx - (cx - vb[0]) * factor, cy - (cy - vb[1]) * factor, w, h];
      apply();
    };
    var toSvg = function (ev) {
      var r = svg.getBoundingClientRect();
      var scale = Math.max(vb[2] / r.width, vb[3] / r.height);
      var ox = vb[0] + (vb[2] - r.width * scale) / 2, oy = vb[1] + (vb[3] - r.height * scale) / 2;
      return [ox + (ev.clientX - r.left) * scale, oy + (ev.clientY - r.top) * scale, scale];
    };
    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var p = toSvg(ev);
      zoom(ev.deltaY < 0 ? 0.85 : 1 / 0.85, p[0], p[1]);
    }, { passive: false });
    var drag = null;
    svg.addEventListener("mousedown", function (ev) { drag = [ev.clientX, ev.clientY]; });
    window.addEventListener("mouseup", function () { drag = null; });
    svg.addEventListener("mousemove", function (ev) {
      if (!drag) { return; }
      var s = toSvg(ev)[2];
      vb[0] -= (ev.clientX - drag[0]) * s; vb[1] -= (ev.clientY - drag[1]) * s;
      drag = [ev.clientX, ev.clientY];
      apply();
    });
    var on = function (id, fn) { var b = document.getElementById(id); if (b) { b.addEventListener("click", fn); } };
    on("zoom-in", function () { zoom(0.8); });
    on("zoom-out", function () { zoom(1.25); });
    on("zoom-reset", function () { vb = base.slice(); apply(); });
    on("collapse", function () {
      var collapsed = svg.classList.toggle("collapsed");
      this.textContent = collapsed ? "show healthy spokes" : "collapse healthy spokes";
    });
  }
  var fallbackCopy = function (text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  };
  var done = function (button, ok) {
    button.textContent = ok ? "copied" : "select and copy by hand";
    button.classList.toggle("copied", ok);
    window.setTimeout(function () { button.textContent = "copy"; button.classList.remove("copied"); }, 1500);
  };
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("button.copy") : null;
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-target"));
    if (!source) { return; }
    var text = source.textContent;
    if (navigator.clipboard && window.isSecureContext !== false) {
      navigator.clipboard.writeText(text).then(function () { done(button, true); },
        function () { done(button, fallbackCopy(text)); });
    } else {
      done(button, fallbackCopy(text));
    }
  });
})();
"""


def csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly ``text`` inline."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


CSS_HASH = csp_hash(CSS)
SCRIPT_HASH = csp_hash(SCRIPT)
CSP = (
    "default-src 'none'; "
    f"script-src {SCRIPT_HASH}; "
    f"style-src {CSS_HASH}; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
