//! The browser page: a few lines that start the Leptos app (`bridge_lab::web::app`).

#[cfg(target_arch = "wasm32")]
fn main() {
    bridge_lab::web::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the app runs in the browser: build it with `trunk build`");
}
