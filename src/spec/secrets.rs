//! `[[secret]]`, `[secret_names]` and `[secret_filters]`: the key formats, secret names and
//! placeholder filters of AIG101-AIG103, compiled once; see `rules/secrets/` for the scan.

use super::rule::RuleMeta;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use serde::Deserialize;

/// A `[[secret]]` table of a pack.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSecret {
    pub(crate) id: String,
    pub(crate) rule: String,
    pub(crate) provider: String,
    pub(crate) regex: String,
    #[serde(default)]
    pub(crate) keywords: Vec<String>,
    #[serde(default)]
    pub(crate) context: Vec<String>,
    #[serde(default)]
    pub(crate) context_scope: Option<String>,
    #[serde(default)]
    pub(crate) min_entropy: f64,
    #[serde(default)]
    pub(crate) min_digits: usize,
    #[serde(default)]
    pub(crate) check: Option<String>,
    #[serde(default)]
    pub(crate) allow_uuid: bool,
    #[serde(default)]
    pub(crate) show: usize,
    /// Reported in every file role; defaults to whether the shape alone names the key.
    #[serde(default)]
    pub(crate) everywhere: Option<bool>,
}

/// The `[secret_names]` table of a pack (AIG103).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNames {
    #[serde(default)]
    pub(crate) names: Vec<String>,
    #[serde(default)]
    pub(crate) not_names: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    None,
    GithubCrc32,
    PemBody,
    DbPassword,
}

#[derive(Debug)]
pub(crate) struct Detector {
    pub(crate) rule_id: &'static str,
    pub(crate) provider: String,
    pub(crate) regex: Regex,
    /// Lower-cased; empty when the shape alone is enough.
    pub(crate) context: Vec<String>,
    pub(crate) context_in_file: bool,
    pub(crate) min_entropy: f64,
    pub(crate) min_digits: usize,
    pub(crate) check: Check,
    pub(crate) allow_uuid: bool,
    pub(crate) show: usize,
    /// The key's own format names its provider: a committed one is a leak wherever it sits, so
    /// it is reported in tests, examples, docs and scripts too.
    pub(crate) everywhere: bool,
}

/// Every secret detector of the loaded packs, compiled once with the registry.
#[derive(Debug, Default)]
pub struct Detectors {
    pub(crate) detectors: Vec<Detector>,
    /// Over every keyword, ASCII case-insensitive; `None` when no pack declares a detector.
    pub(crate) prefilter: Option<AhoCorasick>,
    /// Keyword index -> the detectors it wakes.
    pub(crate) wakes: Vec<Vec<usize>>,
    pub(crate) names: Names,
    pub(crate) filters: Filters,
    /// `key = value` / `key: value` pairs in config text.
    pub(crate) pairs: Option<Regex>,
}

/// Pairs in `.env`, YAML, JSON, TOML, INI and shell text: a key, an optional closing quote, `=` or
/// `:`, then a double-quoted, single-quoted or bare value.
pub(crate) const PAIR_REGEX: &str = r#"([A-Za-z_][A-Za-z0-9_.\-]{0,80})["']?[ \t]*[=:][ \t]*(?:"([^"\r\n]{1,512})"|'([^'\r\n]{1,512})'|([^\s"'`,;#{}\[\]()]{1,512}))"#;

impl Detectors {
    /// Compile the packs' detectors. `rules` is the registry's metadata, to check and intern the
    /// rule ids.
    pub fn compile(
        raw: Vec<(&str, RawSecret)>,
        names: Vec<RawNames>,
        filters: Vec<Filters>,
        rules: &[RuleMeta],
    ) -> Result<Detectors, String> {
        let mut detectors = Vec::with_capacity(raw.len());
        let mut keywords: Vec<String> = Vec::new();
        let mut wakes: Vec<Vec<usize>> = Vec::new();
        for (file, r) in raw {
            let err = |m: String| format!("{file}: secret {}: {m}", r.id);
            let meta = rules
                .iter()
                .find(|m| m.id == r.rule)
                .ok_or_else(|| err(format!("names unknown rule {}", r.rule)))?;
            let regex = Regex::new(&r.regex).map_err(|e| err(e.to_string()))?;
            let check = match r.check.as_deref() {
                None => Check::None,
                Some("github-crc32") => Check::GithubCrc32,
                Some("pem-body") => Check::PemBody,
                Some("db-password") => Check::DbPassword,
                Some(other) => return Err(err(format!("unknown check {other:?}"))),
            };
            let context_in_file = match r.context_scope.as_deref() {
                None | Some("line") => false,
                Some("file") => true,
                Some(other) => return Err(err(format!("unknown context_scope {other:?}"))),
            };
            let context: Vec<String> = r.context.iter().map(|c| c.to_lowercase()).collect();
            let kws = if r.keywords.is_empty() {
                &context
            } else {
                &r.keywords
            };
            if kws.is_empty() || kws.iter().any(|k| k.len() < 2) {
                return Err(err("needs keywords or context of 2+ characters".into()));
            }
            let index = detectors.len();
            for k in kws {
                let k = k.to_lowercase();
                match keywords.iter().position(|x| *x == k) {
                    Some(i) => wakes[i].push(index),
                    None => {
                        keywords.push(k);
                        wakes.push(vec![index]);
                    }
                }
            }
            let everywhere = r.everywhere.unwrap_or(context.is_empty());
            detectors.push(Detector {
                everywhere,
                rule_id: meta.id,
                provider: r.provider,
                regex,
                context,
                context_in_file,
                min_entropy: r.min_entropy,
                min_digits: r.min_digits,
                check,
                allow_uuid: r.allow_uuid,
                show: r.show,
            });
        }
        let prefilter = if keywords.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&keywords)
                    .map_err(|e| e.to_string())?,
            )
        };
        let mut merged = Filters::default();
        for f in filters {
            merged.words.extend(f.words);
            merged.parts.extend(f.parts);
            merged.dummies.extend(f.dummies);
            merged.id_prefixes.extend(f.id_prefixes);
            merged.hash_words.extend(f.hash_words);
            merged.db_defaults.extend(f.db_defaults);
        }
        let pairs = (!detectors.is_empty() || !names.is_empty())
            .then(|| Regex::new(PAIR_REGEX).expect("pair regex is valid"));
        Ok(Detectors {
            detectors,
            prefilter,
            wakes,
            names: Names::new(names),
            filters: merged.normalised(),
            pairs,
        })
    }
}

/// The secret names of the packs, lower-case `_`-separated words.
#[derive(Debug, Default)]
pub struct Names {
    pub(crate) names: Vec<String>,
    pub(crate) not_names: Vec<String>,
}

impl Names {
    pub fn new(raw: Vec<RawNames>) -> Self {
        let mut n = Names::default();
        for r in raw {
            n.names.extend(r.names.iter().map(|s| normalise(s)));
            n.not_names.extend(r.not_names.iter().map(|s| normalise(s)));
        }
        n
    }

    /// `OPENAI_API_KEY`, `apiKey`, `x-api-key`, `db.password` are secret-named; `max_tokens`,
    /// `secret_name`, `NextToken`, `tokenizer` are not.
    pub fn is_secret(&self, name: &str) -> bool {
        let n = normalise(name);
        let ends = |w: &String| {
            n.ends_with(w.as_str())
                && (n.len() == w.len() || n.as_bytes().get(n.len() - w.len() - 1) == Some(&b'_'))
        };
        self.names.iter().any(ends) && !self.not_names.iter().any(ends)
    }
}

/// Lower-case, camelCase split, and every non-alphanumeric run turned into one `_`.
pub(crate) fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev: Option<char> = None;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase()
                && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
            {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        prev = Some(c);
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// `[secret_filters]` of the pack: what marks a value as a placeholder rather than a secret.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filters {
    #[serde(default)]
    pub words: Vec<String>,
    #[serde(default)]
    pub parts: Vec<String>,
    #[serde(default)]
    pub dummies: Vec<String>,
    #[serde(default)]
    pub id_prefixes: Vec<String>,
    #[serde(default)]
    pub hash_words: Vec<String>,
    #[serde(default)]
    pub db_defaults: Vec<String>,
}

impl Filters {
    /// Lower-case every list once, so the checks compare against lower-cased values.
    pub fn normalised(mut self) -> Self {
        for list in [
            &mut self.words,
            &mut self.parts,
            &mut self.dummies,
            &mut self.id_prefixes,
            &mut self.hash_words,
            &mut self.db_defaults,
        ] {
            for w in list.iter_mut() {
                *w = w.to_lowercase();
            }
        }
        self
    }
}
