"""The self-check uploader that streams files to disk (ui/selfcheck/upload_route.py) instead of RAM.

A small HTML+JS page in st.iframe (same origin, scripts allowed): two pickers (files / whole
folder) and a drop area that also takes dropped folders. Each file is sent with its relative path
by XMLHttpRequest PUT (the browser streams the File from disk; XHR, unlike fetch, reports upload
progress). The page reads the token folder on disk when 开始检查 is pressed. Under its file list the
frame draws the checklist of items filled so far from the route's JSON (ui/selfcheck/preview.py),
after each finished file and after each page run; it never makes the page rerun itself.

A file whose content is video is first analysed in the browser (static/browser_media.js, MediaInfo
as WebAssembly): only its MediaInfo JSON goes to ui/selfcheck/mediainfo_route.py, the video stays
on the teacher's computer. If that cannot be done the file is uploaded as before, with the reason.
"""
from __future__ import annotations

import json

import streamlit as st

from ui.selfcheck import assets_route, mediainfo_route, upload_route

TITLE = "作品文件上传"
_HTML = r"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>
body{margin:0;font-family:"Source Sans Pro","Noto Sans CJK SC",sans-serif;font-size:14px;color:#31333f}
#zone{border:1px dashed #aaa;border-radius:8px;padding:12px;background:#f7f8fa}
#zone.over{border-color:#ff4b4b;background:#fff1f1}
.row{display:flex;gap:8px;flex-wrap:wrap;align-items:center}
button{font:inherit;padding:6px 12px;border:1px solid #ccc;border-radius:6px;background:#fff;cursor:pointer}
button:hover{border-color:#ff4b4b;color:#ff4b4b}
#hint{color:#666;margin-top:6px}
#summary{margin-top:8px;font-weight:600}
#summary.done{color:#177233}#summary.failed{color:#bd1f1f}
#bar{height:6px;background:#e6e6e6;border-radius:3px;margin-top:6px;overflow:hidden}
#bar>div{height:100%;width:0;background:#ff4b4b}
#list{max-height:110px;overflow:auto;margin-top:6px;font-size:13px}
#list div{display:flex;justify-content:space-between;gap:8px;border-bottom:1px solid #eee;padding:1px 0}
#list .name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#list .err{color:#bd1f1f}#list .ok{color:#177233}
#list div.note{display:block;color:#8a5a00;font-size:12px;border-bottom:none}
#list div.note.bad{color:#bd1f1f}
input[type=file]{display:none}
#check{margin-top:10px;max-height:200px;overflow:auto;line-height:1.6}
#check .head{font-weight:600}#check .cap{color:#666;font-size:13px}
#check .info{background:#e8f0fe;color:#1d4ed8;border-radius:6px;padding:6px 10px;margin:4px 0}
#check ul{margin:2px 0;padding-left:4px;list-style:none}#check b{font-weight:600}
</style>__MI_SCRIPT__</head><body>
<div id="zone">
 <div class="row">
  <button id="pick-files" type="button">选择文件（可多选，含 ZIP/RAR）</button>
  <button id="pick-dir" type="button">选择整个文件夹</button>
  <button id="clear" type="button" style="display:none">清空已上传</button>
  <input id="files" type="file" multiple>
  <input id="dir" type="file" webkitdirectory multiple>
 </div>
 <div id="hint">也可以把文件或整个文件夹拖到这里。单个文件不超过 __FILE_MB__ MB，一次合计不超过 __TOTAL_MB__ MB、__MAX_FILES__ 个文件。</div>
 <div id="summary" data-state="idle"></div>
 <div id="bar"><div></div></div>
 <div id="list"></div>
</div>
<div id="check" aria-live="polite"></div>
<script>
const CFG = __CFG__;
const $ = id => document.getElementById(id);
const mb = n => (n / 1e6).toFixed(1) + " MB";
const fresh = () => ({total: 0, done: 0, failed: 0, bytes: 0, sent: 0, count: 0, local: 0, fallback: 0});
let queue = [], running = 0, analysing = 0, stats = fresh();
const PARALLEL = 3;

function row(path) {
  const el = document.createElement("div");
  el.innerHTML = '<span class="name"></span><span class="st">等待上传</span>';
  el.querySelector(".name").textContent = path;
  $("list").appendChild(el);
  return el;
}
function show() {
  const s = stats, sum = $("summary");
  $("bar").firstChild.style.width = (s.bytes ? Math.min(100, 100 * s.sent / s.bytes) : 0) + "%";
  if (s.done + s.failed < s.total) {
    sum.dataset.state = "uploading"; sum.className = "";
    sum.textContent = `正在上传：${s.done + s.failed} / ${s.total} 个文件，${mb(s.sent)} / ${mb(s.bytes)}。上传完成前请勿关闭或刷新页面。`
      + (analysing ? `正在本机分析 ${analysing} 个视频。` : "");
  } else if (s.failed) {
    sum.dataset.state = "failed"; sum.className = "failed";
    sum.textContent = `${s.failed} 个文件上传失败（见下方列表），其余 ${s.done} 个已上传。可重新选择失败的文件，或直接点击下方“开始检查”检查已上传的文件。`;
  } else if (s.total) {
    sum.dataset.state = "done"; sum.className = "done";
    sum.textContent = `全部上传完成：共 ${s.count} 个文件，${mb(s.sent)}。`
      + (s.local ? `其中 ${s.local} 个视频已在本机分析，视频本身未上传。` : "")
      + (s.fallback ? `${s.fallback} 个视频未能在本机分析，已改为上传（原因见列表）。` : "")
      + "请点击下方“开始检查”按钮。";
  }
  $("clear").style.display = s.total ? "" : "none";
}
async function enqueue(items) {       // items: [{file, path}]
  for (const it of items) { it.el = row(it.path); stats.total++; }
  show();
  for (const it of items) {
    const kind = window.BrowserMedia && CFG.miUrl ? await BrowserMedia.sniff(it.file) : null;
    if (kind) analyseHere(it, kind); else toUpload(it);
  }
}
function toUpload(it) {
  stats.bytes += it.file.size;
  if (it.file.size > CFG.maxFile) return fail(it, `超过单个文件 ${CFG.fileMb} MB 的上限`);
  if (stats.count + queue.length + running >= CFG.maxFiles) return fail(it, `超过 ${CFG.maxFiles} 个文件的上限，请分批检查`);
  queue.push(it); show(); pump();
}
// A video: MediaInfo runs here and only its JSON is sent; on any failure, upload the file instead.
async function analyseHere(it, kind) {
  const st = it.el.querySelector(".st");
  st.textContent = "分析中"; analysing++; show();
  const url = CFG.miUrl + "/" + it.path.split("/").map(encodeURIComponent).join("/");
  const res = await BrowserMedia.check(it.file, kind, url);
  Object.assign(it.el.dataset, res.timing);          // read by bench/bench_browser_video.py
  analysing--;
  if (res.ok) {
    stats.done++; stats.count++; stats.local++;
    st.textContent = "已分析"; st.className = "st ok"; it.el.title = "该视频在本机分析，未上传";
    if (res.verdict) showVerdict(it, res.verdict);
    show(); return refreshChecklist();
  }
  stats.fallback++;
  const note = document.createElement("div");
  note.className = "note"; note.textContent = `${res.reason.replace(/。$/, "")}，改为上传该视频。`;
  it.el.after(note);
  st.textContent = "等待上传";
  toUpload(it);
}
// The server's quick judgement of a video analysed here: pass, or what fails (the report after
// 开始检查 gives the fixes). data-verdict is read by tests and bench/bench_browser_video.py.
function showVerdict(it, v) {
  const st = it.el.querySelector(".st");
  st.textContent = v.ok ? "已分析：符合要求" : "已分析：不符合要求";
  st.className = v.ok ? "st ok" : "st err";
  it.el.dataset.verdict = v.ok ? "pass" : "fail";
  let after = it.el;
  for (const line of v.lines) {
    const note = document.createElement("div");
    note.className = v.ok ? "note" : "note bad"; note.textContent = line;
    after.after(note); after = note;
  }
}
function fail(it, msg) {
  stats.failed++; stats.sent += it.file.size;
  const st = it.el.querySelector(".st"); st.textContent = "失败：" + msg; st.className = "st err";
  show();
}
// The checklist under the list: fetched from the route after files finish and after each page run
// (the teacher may have picked another project). One request at a time; calls meanwhile coalesce.
let fetching = false, refetch = false;
async function refreshChecklist() {
  if (fetching) { refetch = true; return; }
  fetching = true;
  do {
    refetch = false;
    try {
      const r = await fetch(CFG.url + "?checklist=1", {cache: "no-store"});
      if (r.ok) drawChecklist((await r.json()).checklist);
    } catch (e) {}
  } while (refetch);
  fetching = false;
}
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;       // names are untrusted: always text, never HTML
  return e;
}
function drawChecklist(c) {
  const box = $("check");
  box.textContent = "";
  if (!c) return;
  if (c.empty) { box.appendChild(el("div", "cap", c.empty)); return; }
  box.appendChild(el("div", "head", c.head));
  if (c.info) box.appendChild(el("div", "info", c.info));
  if (c.caption) box.appendChild(el("div", "cap", c.caption));
  if (c.items && c.items.length) {
    const ul = el("ul");
    for (const it of c.items) {
      const li = el("li");
      li.dataset.done = it.done ? "1" : "0";
      li.append((it.done ? "✅ " : "⬜ "), el("b", null, it.name), (it.optional ? "（可选）" : "") + "：" + it.files);
      ul.appendChild(li);
    }
    box.appendChild(ul);
  }
  if (c.unplaced) box.appendChild(el("div", "cap", c.unplaced));
  if (c.note) box.appendChild(el("div", "cap", c.note));
}
// After each page run (a changed project), redraw: watch the page's run state (same origin).
// The whole parent document is watched (only that one attribute): React may replace the app's root.
try {
  new MutationObserver(records => {
    if (records.some(r => r.target.getAttribute("data-test-script-state") === "notRunning")) refreshChecklist();
  }).observe(window.parent.document.documentElement,
             {attributes: true, subtree: true, attributeFilter: ["data-test-script-state"]});
} catch (e) {}
function pump() {
  while (running < PARALLEL && queue.length) send(queue.shift());
}
function send(it) {
  running++;
  const st = it.el.querySelector(".st"); let last = 0;
  const xhr = new XMLHttpRequest();
  const url = CFG.url + "/" + it.path.split("/").map(encodeURIComponent).join("/");
  xhr.open("PUT", url);
  xhr.setRequestHeader("Content-Type", "application/octet-stream");
  xhr.upload.onprogress = e => {
    stats.sent += e.loaded - last; last = e.loaded;
    st.textContent = Math.floor(100 * e.loaded / (e.total || 1)) + "%"; show();
  };
  const finish = (ok, msg) => {
    running--; stats.sent += it.file.size - last; last = it.file.size;
    if (ok) { stats.done++; stats.count++; st.textContent = "已上传"; st.className = "st ok"; show(); refreshChecklist(); }
    else { stats.sent -= it.file.size; fail(it, msg); }
    pump();
  };
  xhr.onload = () => {
    if (xhr.status === 201) return finish(true);
    let msg = "服务器拒绝（" + xhr.status + "）";
    try { msg = JSON.parse(xhr.responseText).error || msg; } catch (e) {}
    finish(false, msg);
  };
  xhr.onerror = () => finish(false, "网络中断或文件过大，请重试");
  xhr.send(it.file);
}
function fromInput(input, useRelative) {
  enqueue([...input.files].map(f => ({file: f, path: (useRelative && f.webkitRelativePath) || f.name})));
  input.value = "";
}
$("pick-files").onclick = () => $("files").click();
$("pick-dir").onclick = () => $("dir").click();
$("files").onchange = () => fromInput($("files"), false);
$("dir").onchange = () => fromInput($("dir"), true);
$("clear").onclick = async () => {
  if (running || queue.length || analysing) return;
  await fetch(CFG.url, {method: "DELETE"});
  $("list").textContent = ""; stats = fresh();
  $("summary").textContent = ""; $("summary").dataset.state = "idle"; show(); refreshChecklist();
};
// Dropped folders: walk them with the entries API (readEntries returns at most 100 at a time).
async function walk(entry, out) {
  if (entry.isFile) {
    const file = await new Promise((ok, bad) => entry.file(ok, bad));
    out.push({file, path: entry.fullPath.replace(/^\/+/, "")});
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((ok, bad) => reader.readEntries(ok, bad));
      if (!batch.length) break;
      for (const e of batch) await walk(e, out);
    }
  }
}
const zone = $("zone");
if (window.BrowserMedia && CFG.miUrl) {
  for (const ev of ["pointerenter", "dragenter", "focusin"]) zone.addEventListener(ev, () => BrowserMedia.warm(), {once: true});
}
zone.addEventListener("dragover", e => { e.preventDefault(); zone.classList.add("over"); });
zone.addEventListener("dragleave", () => zone.classList.remove("over"));
refreshChecklist();                   // a reloaded page keeps its token's files
zone.addEventListener("drop", async e => {
  e.preventDefault(); zone.classList.remove("over");
  const entries = [...e.dataTransfer.items].map(i => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
  const out = [];
  if (entries.length) { for (const en of entries) { try { await walk(en, out); } catch (err) {} } }
  else { for (const f of e.dataTransfer.files) out.push({file: f, path: f.name}); }
  enqueue(out);
});
</script></body></html>"""


def dropzone(token: str) -> None:
    """Render the streaming uploader for `token` (the same HTML while the token lives, so a
    rerun of the page does not reload the frame and cut uploads short)."""
    cap = upload_route.max_file_bytes()
    assets = assets_route.url_base()      # None when node_modules is missing: upload everything
    cfg = {"url": f"{upload_route.url_prefix()}/{token}", "maxFile": cap, "fileMb": cap // 1024 // 1024,
           "maxFiles": upload_route.MAX_FILES,
           "miUrl": f"{mediainfo_route.url_prefix()}/{token}" if assets else None}
    script = f'<script src="{assets}/browser_media.js"></script>' if assets else ""
    html = (_HTML.replace("__CFG__", json.dumps(cfg)).replace("__MI_SCRIPT__", script)
            .replace("__FILE_MB__", str(cap // 1024 // 1024))
            .replace("__TOTAL_MB__", str(upload_route.MAX_TOKEN_BYTES // 1024 // 1024))
            .replace("__MAX_FILES__", str(upload_route.MAX_FILES)))
    st.iframe(html, height=500, alt=TITLE)
