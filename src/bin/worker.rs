//! The web worker: a few lines that start the worker loop (`bridge_lab::web::worker`).

#[cfg(target_arch = "wasm32")]
fn main() {
    bridge_lab::web::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the worker runs in the browser: build it with `trunk build`");
}
