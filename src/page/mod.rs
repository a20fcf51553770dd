//! The page's logic that needs no browser, so native tests and wasm tests both check it: how
//! the form's number fields are read (what people type: decimals, exponents, signs), how
//! numbers are shown (4 significant digits), and the set-up as a URL query. `web` renders it;
//! nothing here imports leptos, web-sys or the worker protocol's transport.

pub mod export;
pub mod numbers;
pub mod setup;
