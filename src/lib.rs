//! aiguard: a static analyser for codebases that call large language models.
//!
//! The pipeline (see docs/architecture.md): `discover` -> `source` -> `lang` (parse + lower to `ir`) ->
//! `resolve` -> `rules` and `flow` (declared in the packs, compiled by `spec`) -> `suppress` ->
//! `report`. `scan` ties it together.

pub mod add_ignore;
pub mod app;
pub mod baseline;
pub mod cache;
pub mod cli;
pub mod config;
pub mod discover;
pub mod docs;
pub mod finding;
pub mod fix;
pub mod flow;
// The checks the fuzz targets (fuzz/) and tests/fuzz_smoke.rs share; not part of the API.
#[doc(hidden)]
pub mod fuzzing;
pub mod inventory;
pub mod ir;
pub mod lang;
pub mod nesting;
pub mod project;
pub mod report;
pub mod resolve;
pub mod roles;
pub mod rules;
pub mod scan;
pub mod since;
pub mod source;
pub mod spec;
pub mod suppress;
pub mod timings;
