/*
 * The page's style sheet and script, served as they are: no external
 * asset and no framework, so the Content-Security-Policy can allow only
 * 'self'. The script fetches the page again every five seconds and swaps
 * its <main>, so one renderer (render_page.c) escapes everything shown,
 * and the page reads the same without the script.
 */
#include "web_int.h"

const char web_page_css[] =
    "body{font:15px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;"
    "color:#1b1f24}\n"
    "main{max-width:1200px;margin:auto;padding:1em}\n"
    "h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;margin:1.2em 0 .4em}"
    "\n.policy{color:#555}small{font-weight:normal;color:#555}\n"
    "dl.identity{display:grid;grid-template-columns:max-content 1fr;"
    "gap:.2em 1em}dt{color:#555}dd{margin:0;overflow-wrap:anywhere}\n"
    ".scroll{overflow-x:auto}\n"
    "table{border-collapse:collapse;width:100%;background:#fff}\n"
    "th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #ddd;"
    "white-space:nowrap}\n"
    "#health,#alert-banner{font-weight:bold;padding:.4em .6em;"
    "border-radius:4px;display:inline-block;margin:.2em .4em .2em 0}\n"
    ".ok{background:#d7f5dd;color:#0a5c1f}\n"
    "p.bad,tr.bad td{background:#fde2e1;color:#8a1010}\n"
    "tr.warn td:first-child,td.warn{background:#fff3cd;color:#7a5200}\n"
    "tr.up td:first-child{border-left:4px solid #2da44e}\n"
    "@media (max-width:600px){body{font-size:14px}main{padding:.5em}}\n";

const char web_page_js[] =
    "'use strict';\n"
    "// Refreshes <main> from a fresh copy of the page every five seconds.\n"
    "async function refresh() {\n"
    "  try {\n"
    "    const r = await fetch('/', {cache: 'no-store'});\n"
    "    if (!r.ok) return;\n"
    "    const doc = new DOMParser().parseFromString(await r.text(),"
    " 'text/html');\n"
    "    const fresh = doc.querySelector('main');\n"
    "    if (fresh) document.querySelector('main').replaceWith(fresh);\n"
    "  } catch (e) {\n"
    "    const h = document.getElementById('health');\n"
    "    if (h) { h.className = 'bad'; h.textContent = 'guard unreachable'; }\n"
    "  }\n"
    "}\n"
    "setInterval(refresh, 5000);\n";
