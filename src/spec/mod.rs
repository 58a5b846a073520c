//! The rule-pack format: every table of `rules/*.toml`, parsed and compiled once into a
//! [`registry::Registry`]. The words the packs share live here (qualified-name [`glob`]s, argument
//! [`condition`]s, confidence, language families), below the rules and the flow engine that use
//! them. `docs/rule-packs.md` documents every table and key; `tests/docs.rs` fails on a key it
//! does not name.

pub mod agent_settings;
pub mod agent_text;
pub mod callsets;
pub mod condition;
pub mod dependency;
pub mod facts;
pub mod family;
pub mod fixes;
pub mod flow;
pub mod flow_index;
pub mod glob;
pub mod inventory;
pub mod keys;
pub mod loops;
pub mod names;
pub mod pattern;
pub mod registry;
pub mod roles;
pub mod rule;
pub mod secrets;
pub mod sinks;
pub mod workflows;
