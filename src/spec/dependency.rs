//! `[[dependency]]` tables: the packages a manifest must pin (AIG604); see `rules/dependency.rs`
//! for how manifests are read.

use super::glob::Glob;
use super::rule::RuleMeta;
use crate::project::Ecosystem;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDependency {
    pub rule: String,
    /// `pypi`, `npm` or `cargo`.
    pub(crate) ecosystem: String,
    /// Package names (PyPI and crates.io names are compared normalised); `*` is a wildcard.
    pub(crate) packages: Vec<String>,
    /// `{spec}`: the declaration as written; `{name}`: the package.
    pub(crate) message: String,
}

#[derive(Debug)]
pub struct DependencyRule {
    pub rule_id: &'static str,
    pub(crate) ecosystem: Ecosystem,
    pub(crate) packages: Vec<Glob>,
    pub(crate) message: String,
}

impl DependencyRule {
    pub fn compile(raw: RawDependency, meta: &RuleMeta) -> Result<Self, String> {
        let ecosystem = match raw.ecosystem.as_str() {
            "pypi" => Ecosystem::Python,
            "npm" => Ecosystem::Npm,
            "cargo" => Ecosystem::Cargo,
            other => {
                return Err(format!(
                    "dependency table of {}: unknown ecosystem {other:?} (pypi, npm or cargo)",
                    meta.id
                ))
            }
        };
        if raw.packages.is_empty() {
            return Err(format!("dependency table of {}: no packages", meta.id));
        }
        Ok(DependencyRule {
            rule_id: meta.id,
            ecosystem,
            packages: raw
                .packages
                .iter()
                .map(|p| Glob::new(&ecosystem.normalise(p)))
                .collect(),
            message: raw.message,
        })
    }
}
