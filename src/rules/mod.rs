//! The rules that run over a file: text rules (secrets, agent text), pattern, loop, fix,
//! dependency and GitHub-workflow rules,
//! and the project facts that gate them. What each matches is declared in the packs and compiled
//! by [`crate::spec`]; this layer runs it. Flow rules run in [`crate::flow`].

pub mod agent_settings;
pub mod agent_text;
pub mod dependency;
pub mod facts;
pub mod fixes;
pub mod loops;
pub mod pattern;
pub mod secrets;
pub mod workflows;
