//! The browser front end (wasm32 only): the Leptos page and the web worker that does every
//! computation off the page's thread. Only [`protocol`], [`state`] and [`worker`] know the
//! messages between them.

pub mod app;
pub mod compare;
pub mod lbf;
pub mod protocol;
pub mod state;
pub mod train;
pub mod viewer;
pub mod worker;
