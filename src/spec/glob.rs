//! Qualified-name globs: the way every table of the packs names calls, decorators, bases and
//! modules (`openai*chat.completions.create`, `*.from_pretrained`), and the index that finds the
//! patterns a name may match without trying them all.

use std::collections::HashMap;

/// A qualified-name pattern: exact, or with `*` wildcards matching any run of characters.
#[derive(Debug, Clone)]
pub struct Glob {
    pub(crate) pattern: String,
    pub(crate) parts: Vec<String>,
}

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        Glob {
            pattern: pattern.to_string(),
            parts: pattern.split('*').map(str::to_string).collect(),
        }
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The longest dotted segment of the pattern's literal text (`*limiter.limit` -> `limiter`):
    /// a file whose text lacks it has no name the pattern matches, since every segment of a
    /// qualified name is written in the file (a name, or a module path in an import). `None`
    /// when the pattern has no literal text.
    pub fn longest_word(&self) -> Option<&str> {
        self.parts
            .iter()
            .flat_map(|p| p.split(['.', '(', ')']))
            .max_by_key(|w| w.len())
            .filter(|w| !w.is_empty())
    }

    pub fn matches(&self, name: &str) -> bool {
        if self.parts.len() == 1 {
            return self.parts[0] == name;
        }
        let (first, last) = (&self.parts[0], &self.parts[self.parts.len() - 1]);
        if !name.starts_with(first.as_str()) || !name[first.len()..].ends_with(last.as_str()) {
            return false;
        }
        let mut rest = &name[first.len()..name.len() - last.len()];
        for mid in &self.parts[1..self.parts.len() - 1] {
            match rest.find(mid.as_str()) {
                Some(i) => rest = &rest[i + mid.len()..],
                None => return false,
            }
        }
        true
    }
}

/// The last dotted segment a qualified name or pattern ends with, without call parentheses:
/// `openai.OpenAI().chat.completions.create` -> `create`. Patterns are indexed by it.
pub fn last_segment(name: &str) -> &str {
    let name = name.trim_end_matches("()");
    name.rsplit(['.', ')']).next().unwrap_or(name)
}

/// Glob patterns grouped by their last segment, so a call is compared only with the patterns
/// that can match it. Each entry is (table id, index of the pattern in the table's list).
/// Patterns whose last segment has a wildcard are grouped by the first characters of their
/// literal prefix (`langchain.chains.*`); the few that start with `*` in their last segment and
/// have no prefix are always compared.
#[derive(Debug, Default)]
pub struct NameIndex {
    pub(crate) exact: HashMap<String, Vec<(u32, u32)>>,
    pub(crate) by_prefix: HashMap<String, Vec<(u32, u32)>>,
    pub(crate) wild: Vec<(u32, u32)>,
    /// The longest literal part of each `wild` pattern: a name can match only the patterns
    /// whose part it contains, found in one pass (`*redact*` needs `redact`).
    pub(crate) wild_parts: Vec<String>,
    pub(crate) wild_finder: Option<aho_corasick::AhoCorasick>,
}

/// Characters of a literal prefix used as the key of `by_prefix`.
pub(crate) const PREFIX_KEY: usize = 4;

impl NameIndex {
    /// Index pattern number `glob` of table `id`.
    pub fn add(&mut self, pattern: &str, id: u32, glob: usize) {
        let entry = (id, glob as u32);
        let last = last_segment(pattern);
        let prefix = pattern.split('*').next().unwrap_or("");
        if !last.contains('*') {
            self.exact.entry(last.to_string()).or_default().push(entry);
        } else if prefix.len() >= PREFIX_KEY && prefix.is_char_boundary(PREFIX_KEY) {
            self.by_prefix
                .entry(prefix[..PREFIX_KEY].to_string())
                .or_default()
                .push(entry);
        } else {
            self.wild.push(entry);
            let longest = pattern.split('*').max_by_key(|p| p.len()).unwrap_or("");
            self.wild_parts.push(longest.to_string());
            self.wild_finder = None;
        }
    }

    /// Build the finder over the wild patterns' parts; call once all patterns are added.
    pub fn finish(&mut self) {
        if self.wild.is_empty() {
            return;
        }
        self.wild_finder = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(&self.wild_parts)
            .ok();
    }

    /// (table id, pattern index) pairs whose pattern may match `name` (the caller still
    /// matches the glob).
    pub fn candidates<'a>(&'a self, name: &str) -> impl Iterator<Item = (u32, usize)> + 'a {
        let exact = self.exact.get(last_segment(name)).map(Vec::as_slice);
        let prefixed = name
            .get(..PREFIX_KEY)
            .and_then(|p| self.by_prefix.get(p))
            .map(Vec::as_slice);
        let wild: Vec<(u32, u32)> = match &self.wild_finder {
            Some(finder) => {
                let mut hit = vec![false; self.wild.len()];
                for m in finder.find_overlapping_iter(name) {
                    hit[m.pattern().as_usize()] = true;
                }
                // An empty part (`*`) is in every name.
                for (i, part) in self.wild_parts.iter().enumerate() {
                    hit[i] |= part.is_empty();
                }
                self.wild
                    .iter()
                    .zip(hit)
                    .filter_map(|(e, h)| h.then_some(*e))
                    .collect()
            }
            None => self.wild.clone(),
        };
        exact
            .unwrap_or(&[])
            .iter()
            .chain(prefixed.unwrap_or(&[]))
            .copied()
            .chain(wild)
            .map(|(id, glob)| (id, glob as usize))
    }
}

#[cfg(test)]
mod tests;
