//! Integration tests of the native build: the `bridge` command line and the reference values.
//! (The browser's tests are `tests/web.rs`, run in headless Chromium.)

#[path = "common/golden.rs"]
mod golden;

mod algorithms;
mod bilevel;
mod cli;
mod golden_native;
mod lbf;
mod sweeps;
