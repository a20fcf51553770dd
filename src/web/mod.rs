//! The browser front end (wasm32 only): the Leptos page and the web worker that does every
//! computation off the page's thread. The worker's logic lives in [`crate::service`]; only
//! [`state`] and [`worker`] send its messages.

pub mod app;
pub use crate::service::protocol;
pub mod compare;
pub mod download;
pub mod examples;
pub mod field;
pub mod glossary;
pub mod guide;
pub mod lbf;
pub mod player;
pub mod plots;
pub mod seeds;
pub mod state;
pub mod train;
pub mod url;
pub mod viewer;
pub mod worker;
