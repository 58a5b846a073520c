//! `[[fix]]` tables: the mechanical edit that fixes a finding on a call (`--fix`); see
//! `rules/fixes.rs` for how they apply.

use super::glob::Glob;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFix {
    pub(crate) rules: Vec<String>,
    pub(crate) calls: Vec<String>,
    #[serde(default)]
    pub(crate) add_keyword: Option<String>,
    #[serde(default)]
    pub(crate) rename_method: Option<String>,
    #[serde(default)]
    pub(crate) drop_keywords: Vec<String>,
}

#[derive(Debug)]
pub struct Fix {
    pub(crate) rules: Vec<String>,
    pub(crate) calls: Vec<Glob>,
    pub(crate) change: Change,
}

#[derive(Debug)]
pub(crate) enum Change {
    AddKeyword(String),
    RenameMethod { to: String, drop: Vec<String> },
}

impl Fix {
    pub fn compile(raw: RawFix, known: &dyn Fn(&str) -> bool) -> Result<Fix, String> {
        for r in &raw.rules {
            if !known(r) {
                return Err(format!("a [[fix]] names unknown rule {r}"));
            }
        }
        let change =
            match (raw.add_keyword, raw.rename_method) {
                (Some(k), None) if raw.drop_keywords.is_empty() => Change::AddKeyword(k),
                (None, Some(to)) => Change::RenameMethod {
                    to,
                    drop: raw.drop_keywords,
                },
                _ => return Err(
                    "a [[fix]] needs one of `add_keyword` or `rename_method` (+ `drop_keywords`)"
                        .into(),
                ),
            };
        Ok(Fix {
            rules: raw.rules,
            calls: raw.calls.iter().map(|c| Glob::new(c)).collect(),
            change,
        })
    }
}
