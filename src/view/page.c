/*
 * page.c - the page's own style and script. Both are constants: the CSP
 * names them by their SHA-256, so the browser runs them and nothing else
 * (no inline handler, no injected script, no eval).
 *
 * The script is the whole of the live behaviour:
 * - window.idsdView.show(html) replaces the content of <main id="view">
 *   with a new body (view_html_body). The HTML is parsed by DOMParser
 *   into an inert document first, and the CSP blocks anything that would
 *   run even if a body carried it;
 * - when <html data-live="..."> names an event stream, each event named
 *   "view" is shown that way, and a status line says whether the stream
 *   is connected.
 * Without scripts the page still shows the body it was served with.
 */
#include "view/view_internal.h"

const char view_page_style[] =
    ":root{color-scheme:light dark;--fg:#1d2330;--mute:#5b6475;--bg:#fff;--card:#f6f7f9;"
    "--line:#dde1e7;--acc:#2457c5;--ok:#1a7f37;--bad:#c62828;--warn:#9a6700;--code:#eef1f5}\n"
    "@media (prefers-color-scheme:dark){:root{--fg:#e4e7ec;--mute:#9aa3b2;--bg:#14171c;"
    "--card:#1c2027;--line:#2c323c;--acc:#7aa2ff;--ok:#4ac26b;--bad:#ff6b6b;--warn:#d4a72c;"
    "--code:#242a33}}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"
    "\"Segoe UI\",Roboto,sans-serif}\n"
    "main{max-width:1100px;margin:0 auto;padding:16px 20px 48px}\n"
    "h1{font-size:1.6em;margin:.1em 0 .3em;overflow-wrap:anywhere}\n"
    "h2{font-size:1.25em;margin:0 0 .3em;overflow-wrap:anywhere}\n"
    "h3{font-size:.8em;text-transform:uppercase;letter-spacing:.06em;color:var(--mute);"
    "margin:1em 0 .3em}\n"
    "p{margin:.3em 0}\n"
    "a{color:var(--acc)}\n"
    ".kicker{margin:0;color:var(--mute);font-size:.8em;text-transform:uppercase;"
    "letter-spacing:.08em}\n"
    ".desc,.instr,.usage,.note{white-space:pre-line;overflow-wrap:anywhere}\n"
    ".usage,.note,.noreq{color:var(--mute)}\n"
    ".info{display:flex;flex-wrap:wrap;gap:4px 20px;margin:.5em 0}\n"
    ".info div{display:flex;gap:6px}.info dt{color:var(--mute)}.info dd{margin:0;"
    "overflow-wrap:anywhere}\n"
    ".stats{display:flex;gap:10px;align-items:center;flex-wrap:wrap}\n"
    ".badge,.u,.card,.cnt{display:inline-block;border-radius:10px;padding:0 8px;font-size:.8em;"
    "font-weight:600;border:1px solid currentColor;white-space:nowrap}\n"
    ".ok,.c-required .card,.u.required{color:var(--ok)}\n"
    ".bad,.u.prohibited,.card.prohibited,.error .sev,.cnt{color:var(--bad)}\n"
    ".warn,.none,.u.optional,.card.optional,.warning .sev,.u.other{color:var(--warn)}\n"
    ".badge.none{color:var(--mute)}\n"
    ".spec,.cspec,.toc,.docf{background:var(--card);border:1px solid var(--line);"
    "border-radius:8px;padding:14px 16px;margin:14px 0}\n"
    /* A long document lays out only what is on screen. */
    ".spec,.cspec{content-visibility:auto;contain-intrinsic-size:auto 420px}\n"
    ".num{color:var(--mute);font-variant-numeric:tabular-nums}\n"
    ".meta{display:flex;flex-wrap:wrap;gap:8px;align-items:center;color:var(--mute);"
    "font-size:.9em}\n"
    ".ident{overflow-wrap:anywhere}\n"
    ".applies{font-size:1.05em;overflow-wrap:anywhere}\n"
    ".n,.v,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
    "font-size:.92em;background:var(--code);border-radius:4px;padding:0 3px;"
    "unicode-bidi:isolate;overflow-wrap:anywhere}\n"
    "table{border-collapse:collapse;width:100%;margin:.4em 0}\n"
    "th,td{text-align:left;vertical-align:top;border-bottom:1px solid var(--line);"
    "padding:6px 8px;overflow-wrap:anywhere}\n"
    "th{font-size:.8em;color:var(--mute);font-weight:600;white-space:nowrap}\n"
    "td.num{width:2.5em}\n"
    ".fl{list-style:none;margin:.4em 0;padding:0}\n"
    ".f{border-left:3px solid currentColor;padding:2px 8px;margin:3px 0;font-size:.9em;"
    "overflow-wrap:anywhere}\n"
    ".f.error{color:var(--bad)}.f.warning{color:var(--warn)}\n"
    ".f .msg,.f .ln,.f .fk,.f .src{color:var(--fg)}\n"
    ".sev{font-weight:700;text-transform:uppercase;font-size:.8em}\n"
    ".rule{font-weight:600}\n"
    ".ln,.fk,.src{color:var(--mute)!important;font-size:.85em}\n"
    ".toc summary{cursor:pointer;font-weight:600}\n"
    ".toc ol{margin:.5em 0 0;padding-left:2em;columns:2 320px}\n"
    ".toc li{break-inside:avoid;margin:2px 0}\n"
    ".cspec h3{font-size:1.1em;text-transform:none;letter-spacing:0;color:var(--fg);"
    "margin:0 0 .3em}\n"
    ".creq{border-top:1px solid var(--line);margin-top:10px;padding-top:6px}\n"
    ".creq .words{font-weight:600}\n"
    ".gid,.step{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
    "font-size:.9em}\n"
    ".empty{color:var(--mute);text-align:center;margin-top:20vh}\n"
    "#status{position:sticky;top:0;z-index:1;text-align:right;font-size:.8em;padding:2px 12px;"
    "background:var(--bg);border-bottom:1px solid var(--line)}\n"
    "@media print{#status,.toc{display:none}.spec,.cspec{break-inside:avoid}}\n";

const char view_page_script[] =
    "(function(){\"use strict\";\n"
    "var root=document.getElementById(\"view\");\n"
    "var status=document.getElementById(\"status\");\n"
    "function say(text,cls){status.textContent=text;status.className=cls;"
    "status.hidden=false;}\n"
    "function retitle(){var h=root.querySelector(\"h1\");"
    "document.title=h?h.textContent:\"IDS\";}\n"
    "function show(html){if(typeof html!==\"string\")return;\n"
    "var doc=new DOMParser().parseFromString(\"<!DOCTYPE html><html><body>\"+html,"
    "\"text/html\");\n"
    "var y=window.scrollY;\n"
    "root.replaceChildren.apply(root,Array.prototype.slice.call(doc.body.childNodes));\n"
    "window.scrollTo(0,y);retitle();\n"
    "say(\"Updated \"+new Date().toLocaleTimeString(),\"ok\");}\n"
    "window.idsdView=Object.freeze({show:show});\n"
    "var url=document.documentElement.getAttribute(\"data-live\");\n"
    "if(url&&window.EventSource){var es=new EventSource(url);\n"
    "es.addEventListener(\"view\",function(e){show(e.data);});\n"
    "es.onopen=function(){say(\"Live\",\"ok\");};\n"
    "es.onerror=function(){say(\"Disconnected; retrying\",\"bad\");};}\n"
    "})();\n";
