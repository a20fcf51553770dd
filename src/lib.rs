//! BRIDGE Lab: bi-level reinforcement learning for coalition formation (the BRIDGE paper), as a
//! library shared by the `bridge` command line and the browser app.
//!
//! Layers, each importing only those above it (see `ARCHITECTURE.md`):
//! - [`core`]: coalitions, structures, value functions, files;
//! - [`algorithms`]: the exact solver and the baselines;
//! - [`lbf`]: Level-Based Foraging, the lower level's grid world (lbforaging 2.0.0's rules), its
//!   recorded-episode files and their replay;
//! - [`followers`]: BRIDGE's lower level, coalitions playing LBF on one grid and the MADDPG
//!   followers who learn `v(C)`;
//! - [`nn`]: network pieces both levels share (seeded layers, fused Adam, weight files);
//! - [`leader`]: BRIDGE's upper level, the DQN that merges coalitions;
//! - [`bilevel`]: Algorithm 1, the leader over followers who train inside its structures;
//! - [`service`]: the page's worker logic, platform-free (requests in, answers out);
//! - [`page`]: the page's form logic, platform-free (number fields, display, the URL's set-up);
//! - `web` (wasm32 only): the browser page and its web worker.

pub mod algorithms;
pub mod bilevel;
pub mod core;
pub mod followers;
pub mod lbf;
pub mod leader;
pub mod nn;
pub mod page;
pub mod service;
#[cfg(target_arch = "wasm32")]
pub mod web;
