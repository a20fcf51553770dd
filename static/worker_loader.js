// The worker's entry point (src/web/state.rs starts `./worker_loader.js`), in place of Trunk's
// loader shim. The worker's wasm takes a while to fetch and compile, and a message that arrives
// before the Rust code has installed its handler finds none and is lost; the page is usable
// before that (its first panel shows, and a click on "Train" sends a request at once), so the
// messages that come early are kept here and handed to the Rust handler, in order, once it
// listens. A failure to load reaches the page's `onerror` (its crash report and restart).
'use strict';
const early = [];
self.onmessage = (event) => early.push(event.data);
importScripts('./worker.js');
wasm_bindgen({ module_or_path: './worker_bg.wasm' }).then(
  () => {
    // The wasm's start function ran `web::worker::start`: `self.onmessage` is now Rust's. Sent
    // as events, so a panic in one is reported to the page like any other (the worker's error).
    for (const data of early.splice(0)) self.dispatchEvent(new MessageEvent('message', { data }));
  },
  (error) => setTimeout(() => { throw error; }),
);
