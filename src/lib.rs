//! albergue: the roster, CBP One appointments and outage alerts of a migrant
//! shelter, kept in a local SQLite database.
//!
//! Layers: [`domain`] knows the rules and does no I/O; [`store`] is the only
//! place with SQL; [`cli`] is the binary's edge.

pub mod actor;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod export;
pub mod i18n;
pub mod import;
pub mod logging;
pub mod manual;
pub mod openssh;
pub mod paths;
pub mod programs;
pub mod serve;
pub mod store;
pub mod tui;
