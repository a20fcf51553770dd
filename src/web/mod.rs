//! The browser front end (wasm32 only): the Leptos page and the web worker that does every
//! computation off the page's thread. Only [`protocol`] knows the messages between them.

pub mod app;
pub mod protocol;
pub mod worker;
