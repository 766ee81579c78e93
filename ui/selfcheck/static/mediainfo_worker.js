// Runs MediaInfo (WebAssembly) on one File at a time, off the page's thread so a stuck parse can be
// killed (worker.terminate) without freezing the page. Reads only the byte ranges MediaInfo asks
// for, through File.slice; the file itself never leaves the computer.
// MediaInfo: npm mediainfo.js (MediaInfoLib), BSD-2-Clause, notice in LICENSE-mediainfo.js.txt here.
/* global MediaInfo */
"use strict";
importScripts("mediainfo.min.js");

// 64 KiB pieces, as pymediainfo feeds the server's MediaInfoLib: the same library fed the same way
// reads the same bytes and so reports the same fields (larger pieces change measured bit rates).
const CHUNK = 64 * 1024;
let factory = null;

function instance() {
  if (!factory) {
    factory = MediaInfo.mediaInfoFactory({
      format: "JSON", full: true, chunkSize: CHUNK,
      locateFile: name => new URL(name, self.location.href).href,
    });
  }
  return factory;
}

self.onmessage = async event => {
  const {id, file, warm} = event.data;
  if (warm) return instance().catch(() => { factory = null; });   // load and compile ahead of use
  let read = 0;
  try {
    const mi = await instance();
    const t0 = performance.now();
    const json = await mi.analyzeData(file.size, async (size, offset) => {
      const piece = new Uint8Array(await file.slice(offset, offset + size).arrayBuffer());
      read += piece.length;
      return piece;
    });
    self.postMessage({id, ok: true, json, read, parseMs: Math.round(performance.now() - t0)});
  } catch (err) {
    factory = null;                       // a failed instance is not reused
    self.postMessage({id, ok: false, error: String((err && err.message) || err), read});
  }
};
