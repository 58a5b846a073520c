//! Language families, as the packs' `languages` lists name them (`python`, `typescript`,
//! `javascript`, `rust`, `text`). A table with no `languages` applies to every family its rule
//! supports.

pub use crate::source::Family;

/// Whether every entry of a pack's `languages` list names a family.
pub fn check(languages: &[String]) -> Result<(), String> {
    match languages.iter().find(|l| Family::parse(l).is_none()) {
        Some(l) => Err(format!("unknown language {l:?}")),
        None => Ok(()),
    }
}

/// Whether a table limited to `languages` (all when empty) applies to files of `family`.
pub fn applies(languages: &[String], family: Family) -> bool {
    languages.is_empty() || languages.iter().any(|l| l == family.name())
}
