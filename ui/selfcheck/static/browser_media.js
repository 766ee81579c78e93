// The uploader's browser-side video check (issue 9): decide from a file's first bytes whether it is
// a video, and if so get MediaInfo's JSON for it from mediainfo_worker.js. Failures come back as
// Chinese reasons; the uploader then uploads the file as before.
"use strict";
window.BrowserMedia = (function () {
  const TIMEOUT_MS = 10000;
  const HEAD = 1024;            // enough for MPEG-TS: sync bytes at 4 + 4 * 192
  const base = document.currentScript.src.replace(/[^/]*$/, "");
  let worker = null, seq = 0, chain = Promise.resolve();
  const pending = new Map();

  const ascii = (h, at, n) => String.fromCharCode(...h.subarray(at, at + n));
  const eq = (h, at, bytes) => bytes.every((b, i) => h[at + i] === b);
  const ASF = [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c];

  // Mirrors checks/sniff.py: formats it tests before the video ones are not videos even if a
  // video signature follows; the kinds returned are its names (kind_groups.video).
  function videoKind(h) {
    if (h.length < 12) return null;
    const t4 = ascii(h, 0, 4);
    if (["PK\x03\x04", "PK\x05\x06", "PK\x07\x08", "Rar!", "7z\xbc\xaf", "MM\x00*", "II*\x00"].includes(t4)) return null;
    if (eq(h, 0, [0xd0, 0xcf, 0x11, 0xe0]) || eq(h, 0, [0x1f, 0x8b]) || eq(h, 0, [0xff, 0xd8, 0xff])) return null;
    if (ascii(h, 0, Math.min(h.length, 1024)).includes("%PDF-") || t4 === "{\\rt" || ascii(h, 257, 5) === "ustar") return null;
    if (t4 === "\x89PNG" || t4 === "GIF8") return null;
    if (t4 === "RIFF") return ascii(h, 8, 4) === "AVI " ? "avi" : null;
    if (ascii(h, 0, 2) === "BM" && h.length >= 26 && [12, 40, 52, 56, 64, 108, 124].includes(h[14] | h[15] << 8 | h[16] << 16 | h[17] << 24)) return null;
    const box = ascii(h, 4, 4);
    if (box === "ftyp") {
      const brand = ascii(h, 8, 4);
      if (brand === "qt  ") return "mov";
      if (["3gp", "3g2", "3ge", "3gg"].includes(brand.slice(0, 3))) return "3gp";
      if (["M4A ", "M4B ", "M4P "].includes(brand)) return null;       // audio only: uploaded
      return "mp4";
    }
    if (["moov", "mdat", "wide", "free", "skip", "pnot"].includes(box)) return "mov";
    if (eq(h, 0, [0x1a, 0x45, 0xdf, 0xa3])) return ascii(h, 0, 64).includes("webm") ? "webm" : "mkv";
    if (ascii(h, 0, 3) === "FLV") return "flv";
    if (eq(h, 0, ASF)) return "wmv";
    for (const [step, first] of [[188, 0], [192, 4]]) {
      const n = Math.min(5, Math.floor((h.length - first - 1) / step) + 1);
      let all = n >= 3;
      for (let i = 0; all && i < n; i++) all = h[first + i * step] === 0x47;
      if (all) return "mpegts";
    }
    if (eq(h, 0, [0, 0, 1, 0xba]) || eq(h, 0, [0, 0, 1, 0xb3])) return "mpeg";
    return null;
  }

  async function sniff(file) {
    if (!file.size) return null;
    try { return videoKind(new Uint8Array(await file.slice(0, HEAD).arrayBuffer())); }
    catch (e) { return null; }
  }

  function stopWorker(reason) {
    if (worker) worker.terminate();
    worker = null;
    for (const done of pending.values()) done({ok: false, reason});
    pending.clear();
  }

  function startWorker() {
    worker = new Worker(base + "mediainfo_worker.js");
    worker.onmessage = e => {
      const done = pending.get(e.data.id);
      pending.delete(e.data.id);
      if (!e.data.ok) console.warn("MediaInfo:", e.data.error);      // details for whoever debugs; the page stays Chinese
      if (done) done(e.data.ok ? e.data : {ok: false, reason: "本机分析出错（分析组件未能加载，或无法解析该文件）"});
    };
    worker.onerror = e => { e.preventDefault(); stopWorker("本机分析组件无法启动"); };
  }

  function analyseNow(file) {
    return new Promise(resolve => {
      if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
        return resolve({ok: false, reason: "浏览器不支持 WebAssembly，无法在本机分析"});
      }
      const id = ++seq;
      const timer = setTimeout(() => stopWorker("本机分析超过 10 秒仍未完成"), TIMEOUT_MS);
      pending.set(id, msg => { clearTimeout(timer); resolve(msg); });
      try {
        if (!worker) startWorker();
        worker.postMessage({id, file});
      } catch (err) {
        stopWorker("本机分析组件无法启动");
      }
    });
  }

  // Fetch and compile MediaInfo while the teacher is still choosing files (the file dialog takes
  // seconds); nothing is loaded for visitors who never reach the uploader.
  function warm() {
    if (worker || typeof WebAssembly !== "object" || typeof Worker !== "function") return;
    try { startWorker(); worker.postMessage({warm: true}); } catch (err) { stopWorker("本机分析组件无法启动"); }
  }

  // One analysis at a time: the 10-second limit then measures this file's analysis alone.
  function analyse(file) {
    const run = chain.then(() => analyseNow(file));
    chain = run;
    return run;
  }

  // Analyse `file` and PUT {size, kind, mediainfo} to `url`: {ok, reason?, timing, verdict?}
  // (verdict: the server's quick judgement of this video, {ok, lines}, or null).
  async function check(file, kind, url) {
    const t0 = performance.now();
    const res = await analyse(file);
    const timing = {analyseMs: Math.round(performance.now() - t0), parseMs: res.parseMs || 0, readBytes: res.read || 0};
    if (!res.ok) return {ok: false, reason: res.reason, timing};
    try {
      const body = JSON.stringify({size: file.size, kind, mediainfo: JSON.parse(res.json)});
      const resp = await fetch(url, {method: "PUT", headers: {"Content-Type": "application/json"}, body});
      if (resp.status === 201) {
        let verdict = null;
        try { verdict = (await resp.json()).verdict; } catch (e) {}
        return {ok: true, timing, verdict};
      }
      let msg = "服务器拒绝（" + resp.status + "）";
      try { msg = (await resp.json()).error || msg; } catch (e) {}
      return {ok: false, reason: "分析结果未被接收：" + msg, timing};
    } catch (err) {
      return {ok: false, reason: "分析结果无法发送", timing};
    }
  }

  return {sniff, analyse, check, warm, videoKind};
})();
