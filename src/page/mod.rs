//! The page's logic that needs no browser, so native tests and wasm tests both check it: how
//! the form's number fields are read (what people type: decimals, exponents, signs), how
//! numbers are shown (4 significant digits), the set-up as a URL query, the graph leader's
//! training sizes, a rollout's structures rebuilt from its merges, and a custom grid's fields
//! read into a configuration. `web` renders it; nothing here imports leptos, web-sys or the
//! worker protocol's transport.

pub mod bars;
pub mod export;
pub mod graph_form;
pub mod lbf_setup;
pub mod numbers;
pub mod replay;
pub mod seeds;
pub mod setup;
pub mod uploads;
