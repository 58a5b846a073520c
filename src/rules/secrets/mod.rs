//! Text rules: secrets (AIG101-AIG103) in any text file, code or config.
//!
//! The detectors are data (`[[secret]]` in `rules/secrets.toml`). One Aho-Corasick automaton over
//! every detector's keywords decides which regexes run on a file at all; each regex match then
//! goes through the generic checks of [`checks`]: token boundaries, entropy, digits, placeholders,
//! hashes, UUIDs, the structure check the detector names, and provider context where the shape has
//! no prefix. AIG103 (a random-looking value bound to a secret name) reads the IR in code files and
//! `key = value` / `key: value` pairs in other text files ([`assign`]).
//!
//! Secrets are never printed: messages show at most the key's public prefix and its length, and
//! every secret found in a file comes back as a redaction range for every snippet of the file, so a
//! snippet never shows a neighbouring key either.

mod assign;
pub mod checks;
mod mask;

pub use mask::mask_output;

use crate::finding::{Hit, Redactions};
use crate::ir::{Module, Span};
use crate::source::Source;
use crate::spec::secrets::{Check, Detector, Detectors};
use std::collections::BTreeSet;

impl Detectors {
    /// Every unfiltered regex match of every detector in `text`: what a key looks like, before
    /// any check. For tests that make sure no key is ever printed.
    pub fn raw_matches<'t>(&self, text: &'t str) -> Vec<&'t str> {
        let mut out = Vec::new();
        for d in &self.detectors {
            for c in d.regex.captures_iter(text) {
                if let Some(m) = c.get(1).or_else(|| c.get(0)) {
                    out.push(m.as_str());
                }
            }
        }
        out
    }

    /// Which detectors the keyword prefilter wakes for `text`; `None` when none.
    fn awake(&self, text: &str) -> Option<Vec<bool>> {
        let ac = self.prefilter.as_ref()?;
        let mut awake = vec![false; self.detectors.len()];
        for m in ac.find_overlapping_iter(text) {
            for &d in self.wakes.get(m.pattern().as_usize()).into_iter().flatten() {
                if let Some(a) = awake.get_mut(d) {
                    *a = true;
                }
            }
        }
        awake.contains(&true).then_some(awake)
    }

    /// Every match of a detector that needs no provider context (a key's own prefix or form
    /// names it), before any check: text that looks like a key, whatever it is.
    pub fn key_shapes(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        let Some(awake) = self.awake(text) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (d, det) in self.detectors.iter().enumerate() {
            if !awake[d] || !det.context.is_empty() {
                continue;
            }
            for caps in det.regex.captures_iter(text) {
                if let Some(m) = caps.get(1).or_else(|| caps.get(0)) {
                    out.push(m.range());
                }
            }
        }
        out
    }

    /// Provider keys in `text`, after every check, in text order.
    ///
    /// `shapes` gets the spans of matches the checks dismissed (placeholders, low entropy): not
    /// reported, but masked in snippets all the same, so nothing key-shaped is ever printed.
    fn scan(&self, text: &str, shapes: &mut Vec<Span>) -> Vec<Found> {
        let Some(awake) = self.awake(text) else {
            return Vec::new();
        };
        let images = image_ranges(text);
        let mut found: Vec<Found> = Vec::new();
        for (d, det) in self.detectors.iter().enumerate() {
            if !awake[d] {
                continue;
            }
            if det.context_in_file && !det.context.iter().any(|w| contains_ci(text, w)) {
                continue;
            }
            for caps in det.regex.captures_iter(text) {
                let (Some(whole), secret) = (caps.get(0), caps.get(1)) else {
                    continue;
                };
                let secret = secret.unwrap_or(whole);
                let span = Span::new(secret.start(), secret.end());
                if !standalone(text.as_bytes(), whole.start(), whole.end(), caps.len() > 1) {
                    // Not reported, but key-shaped: masked in snippets all the same.
                    shapes.push(span);
                    continue;
                }
                let overlaps = |f: &Found| f.secret.start < span.end && span.start < f.secret.end;
                if images.iter().any(|r| r.contains(&secret.start())) || found.iter().any(overlaps)
                {
                    continue;
                }
                match self.judge(det, text, whole, secret.as_str(), span) {
                    Some(f) => found.push(f),
                    None => shapes.push(span),
                }
            }
        }
        found.sort_by_key(|f| (f.secret.start, f.secret.end));
        found
    }

    /// Apply the detector's checks to one match; the finding if it survives.
    fn judge(
        &self,
        det: &Detector,
        text: &str,
        whole: regex::Match<'_>,
        value: &str,
        span: Span,
    ) -> Option<Found> {
        let near = nearby(text, whole.start(), whole.end());
        if !det.context.is_empty()
            && !det.context_in_file
            && !det.context.iter().any(|w| contains_ci(near, w))
            && !previous_line_opens_with_context(text, whole.start(), &det.context)
        {
            return None;
        }
        if !det.context.is_empty() && bound_to_id_name(text, whole.start()) {
            return None;
        }
        let ok = match det.check {
            Check::None => true,
            Check::GithubCrc32 => checks::github_crc32_ok(value),
            Check::PemBody => checks::pem_body_ok(value),
            // `mypassword`, `rootpass`: a default spelled another way is still a default.
            Check::DbPassword => !self
                .filters
                .db_defaults
                .iter()
                .any(|d| value.to_ascii_lowercase().contains(&d.to_ascii_lowercase())),
        };
        // A private key's body is long base64 and may contain anything; its own check judges it.
        let placeholder = det.check != Check::PemBody && self.filters.is_placeholder(value);
        if !ok
            || placeholder
            || checks::entropy(value) < det.min_entropy
            || checks::digit_count(value) < det.min_digits
            || (!det.allow_uuid && checks::is_uuid(value))
            // Only shapes with no unique prefix can be mistaken for a code identifier.
            || (!det.context.is_empty() && checks::is_identifier_like(value))
            || self
                .filters
                .looks_like_hash(value, &near.to_ascii_lowercase())
        {
            return None;
        }
        // A private key is reported on its header line; the whole block is redacted.
        let report = if det.check == Check::PemBody && span == Span::new(whole.start(), whole.end())
        {
            let header = value
                .get(5..)
                .and_then(|rest| rest.find("-----"))
                .map_or(value.len(), |i| i + 10);
            Span::new(span.start as usize, span.start as usize + header)
        } else {
            span
        };
        Some(Found {
            rule_id: det.rule_id,
            report,
            secret: span,
            message: redacted_message(&det.provider, value, det.show),
            provider: det.provider.clone(),
            everywhere: det.everywhere,
        })
    }
}

/// One secret found in a text.
#[derive(Debug, Clone)]
struct Found {
    rule_id: &'static str,
    /// Where the finding points.
    report: Span,
    /// The secret itself (redacted in every snippet of the file).
    secret: Span,
    message: String,
    /// The detector's name of the key (`OpenAI project key`).
    provider: String,
    /// Reported whatever the file's role (see `Detector::everywhere`).
    everywhere: bool,
}

/// `OpenAI project key `sk-proj-…` (164 chars)`: the public prefix at most, never the secret.
fn redacted_message(provider: &str, value: &str, show: usize) -> String {
    let len = value.chars().count();
    // Never more than a third of the value, whatever the pack says.
    let n = show.min(len / 3);
    match value.get(..n).filter(|s| !s.is_empty()) {
        Some(prefix) => format!("{provider} `{prefix}…` ({len} chars) is hardcoded"),
        None => format!("{provider} ({len} chars) is hardcoded"),
    }
}

/// The match is a token of its own: no key character right before it (a JSON `\n` escape is a
/// separator) and, when the whole match is the key, none right after it.
///
/// `/` and `+` belong to the token only when the match could be a run inside standard base64 (a
/// blob that happens to hold `AKIA…`). A match with a character base64 never holds (`ghp_…`,
/// `sk-…`) cannot be, so there they separate: `https://ghp_…@github.com`, `hf_…/model`.
fn standalone(b: &[u8], start: usize, end: usize, has_group: bool) -> bool {
    let in_base64 = b.get(start..end).is_some_and(|m| {
        m.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
    });
    let tok = |c: u8| {
        c.is_ascii_alphanumeric()
            || matches!(c, b'_' | b'-')
            || (in_base64 && matches!(c, b'+' | b'/'))
    };
    let before = match start.checked_sub(1).and_then(|i| b.get(i)) {
        None => true,
        Some(&c) => {
            !tok(c)
                || (matches!(c, b'n' | b'r' | b't')
                    && start >= 2
                    && b.get(start - 2) == Some(&b'\\'))
        }
    };
    let after = has_group || b.get(end).is_none_or(|&c| !tok(c));
    before && after
}

/// The key's line, cut to 256 bytes either side of it (minified files have megabyte lines).
fn nearby(text: &str, start: usize, end: usize) -> &str {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let mut a = line_start.max(start.saturating_sub(256));
    let mut b = line_end.min(end + 256);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    while !text.is_char_boundary(b) {
        b += 1;
    }
    &text[a..b]
}

/// The provider is named on an earlier line (comments and blank lines passed over, at most three
/// lines up) that opens a call, object, list or YAML block the key belongs to (`cohere.Client(`,
/// `cohere:`).
fn previous_line_opens_with_context(text: &str, start: usize, words: &[String]) -> bool {
    let mut end = start;
    for _ in 0..3 {
        let Some(prev_end) = text[..end].rfind('\n') else {
            return false;
        };
        let prev_start = text[..prev_end].rfind('\n').map_or(0, |i| i + 1);
        let prev = text[prev_start..prev_end].trim();
        end = prev_start;
        if prev.is_empty() || prev.starts_with('#') || prev.starts_with("//") {
            continue;
        }
        return prev.len() <= 512
            && prev.ends_with(['(', '{', '[', ',', ':'])
            && words.iter().any(|w| contains_ci(prev, w));
    }
    false
}

/// The value is bound to an id-like name (`mistral_model_id = "..."`, `PINECONE_INDEX_ID=...`):
/// for shapes with no prefix, the provider's name nearby then names the thing, not its key.
fn bound_to_id_name(text: &str, start: usize) -> bool {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..start];
    let Some(op) = before.rfind(['=', ':']) else {
        return false;
    };
    let name = before[..op].trim_end_matches(|c: char| c.is_whitespace() || "\"'])".contains(c));
    // After the last character that is not part of a name (which may be wider than a byte).
    let ident_start = name
        .char_indices()
        .rfind(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let ident = &name[ident_start..];
    let last = ident
        .rsplit(['_', '-'])
        .next()
        .unwrap_or(ident)
        .to_ascii_lowercase();
    let camel_id = ident.len() > 2 && (ident.ends_with("Id") || ident.ends_with("ID"));
    camel_id
        || matches!(
            last.as_str(),
            "id" | "ids" | "name" | "model" | "index" | "version" | "url" | "uri" | "hash" | "sha"
        )
}

/// ASCII case-insensitive substring test; `needle` is lower-case.
fn contains_ci(hay: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    !n.is_empty()
        && hay
            .as_bytes()
            .windows(n.len())
            .any(|w| w.eq_ignore_ascii_case(n))
}

/// Base64 image data (`data:image/png;base64,...`, a notebook's `"image/png": "..."` output):
/// never a secret, and long enough to look like anything.
fn image_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("image/") {
        let rest = &text[i..];
        let data_url = text[..i].ends_with("data:");
        let json_key = text[..i].ends_with('"');
        // Where the base64 body starts: after the data URL's comma, or after the JSON `": "`.
        let body_start = if data_url {
            rest.find(',').filter(|&j| j < 64).map(|j| j + 1)
        } else if json_key {
            rest.find('"')
                .and_then(|q| {
                    let after = rest[q + 1..].trim_start();
                    let after = after.strip_prefix(':')?.trim_start().strip_prefix('"')?;
                    Some(rest.len() - after.len())
                })
                .filter(|&j| j < 64)
        } else {
            None
        };
        if let Some(j) = body_start {
            let from = i + j;
            let len = text[from..]
                .find(|c: char| matches!(c, '"' | '\'' | ')' | '<') || c.is_whitespace())
                .unwrap_or(text.len() - from);
            out.push(from..from + len);
        }
    }
    out
}

/// Run the secret detectors over a source. For notebooks, AIG101/AIG102 also read `source.raw`, so
/// a key printed in a saved output is found (those hits set `Hit::in_raw`); AIG103 reads the
/// cells' IR.
pub fn run(
    source: &Source,
    module: &Module,
    registry: &crate::spec::registry::Registry,
    enabled: &BTreeSet<&'static str>,
    out: &mut Vec<Hit>,
) -> Redactions {
    // The detectors run even when their rules are off: what they find is still masked in every
    // other finding's snippet.
    let d = &registry.secrets;
    let raw = source.raw.as_deref();
    // Every provider key, enabled or not: all of them are redacted in snippets. In a notebook,
    // keys in the cells are reported from the cells (located by cell and line); the raw JSON adds
    // the keys only its saved outputs hold.
    let (mut text_shapes, mut raw_shapes) = (Vec::new(), Vec::new());
    let in_text = d.scan(&source.text, &mut text_shapes);
    let raw_all: Vec<Found> = raw.map(|r| d.scan(r, &mut raw_shapes)).unwrap_or_default();
    let cell_values: Vec<&str> = in_text
        .iter()
        .filter_map(|f| source.text.get(f.secret.range()))
        .collect();
    let in_raw = raw_all.iter().filter(|f| {
        raw.and_then(|r| r.get(f.secret.range()))
            .is_some_and(|v| !cell_values.contains(&v))
    });
    let mut assigned = Vec::new();
    if enabled.contains("AIG103") {
        let candidates = if !source.language.is_code() {
            d.pairs
                .as_ref()
                .map(|re| assign::from_pairs(re, &source.text))
                .unwrap_or_default()
        } else {
            assign::from_ir(module, &source.text)
        };
        for c in candidates {
            let Some(value) = source.text.get(c.value.range()) else {
                continue;
            };
            // A provider key is AIG101/AIG102's, not a generic secret too.
            let claimed = in_text
                .iter()
                .any(|f| f.secret.start < c.value.end && c.value.start < f.secret.end);
            if !claimed && d.names.is_secret(c.name) && d.secret_like(&source.text, c.value) {
                assigned.push(Found {
                    rule_id: "AIG103",
                    report: c.value,
                    secret: c.value,
                    message: assign::message(c.name, value),
                    provider: String::new(),
                    everywhere: false,
                });
            }
        }
    }
    // Redaction sets, per text the spans refer to.
    let mut text_secrets: Vec<Span> = in_text.iter().map(|f| f.secret).collect();
    text_secrets.extend(assigned.iter().map(|f| f.secret));
    let mut snippet_secrets = text_secrets.clone();
    snippet_secrets.extend(text_shapes);
    let raw_secrets: Vec<Span> = match raw {
        Some(raw) => {
            // The raw JSON holds the cells too: redact every secret of the file there.
            let mut v: Vec<Span> = raw_all.iter().map(|f| f.secret).collect();
            v.extend(raw_shapes);
            for f in in_text.iter().chain(&assigned) {
                if let Some(value) = source.text.get(f.secret.range()) {
                    v.extend(
                        raw.match_indices(value)
                            .map(|(i, _)| Span::new(i, i + value.len())),
                    );
                }
            }
            v.sort();
            v.dedup();
            v
        }
        None => Vec::new(),
    };
    let mut everywhere = Vec::new();
    let mut emit = |f: &Found, raw_hit: bool, out: &mut Vec<Hit>| {
        if f.everywhere {
            everywhere.push(f.report);
        }
        out.push(Hit {
            rule_id: f.rule_id,
            span: f.report,
            message: f.message.clone(),
            flow: Vec::new(),
            confidence: None,
            fix: None,
            in_raw: raw_hit,
        });
    };
    for f in in_text.iter().filter(|f| enabled.contains(f.rule_id)) {
        emit(f, false, out);
    }
    for f in in_raw.filter(|f| enabled.contains(f.rule_id)) {
        emit(f, true, out);
    }
    for f in &assigned {
        emit(f, false, out);
    }
    Redactions {
        text: per_line(&source.text, &text_secrets),
        snippets: per_line(&source.text, &snippet_secrets),
        raw: per_line(raw.unwrap_or_default(), &raw_secrets),
        keys: in_text
            .iter()
            .map(|f| (f.secret, f.provider.clone()))
            .collect(),
        everywhere,
    }
}

impl Detectors {
    /// AIG103's value test: long, random-looking, not a placeholder, id, UUID, hash or path.
    fn secret_like(&self, text: &str, span: Span) -> bool {
        let Some(value) = text.get(span.range()) else {
            return false;
        };
        let value = strip_scheme(value);
        // A C string's terminator (`b"challengePassword\0"` in bindgen output) is not part of it.
        let value = value
            .strip_suffix("\\0")
            .or_else(|| value.strip_suffix("\\x00"))
            .unwrap_or(value);
        let hex = value.bytes().all(|b| b.is_ascii_hexdigit());
        let min_entropy = if hex { 3.0 } else { 3.5 };
        value.len() >= 16
            && value.len() <= 512
            && value.bytes().any(|b| b.is_ascii_digit())
            && value.bytes().any(|b| b.is_ascii_alphabetic())
            && !value.bytes().any(|b| b.is_ascii_whitespace())
            && !value.contains("://")
            && !value.starts_with(['/', '.', '~'])
            && !checks::is_uuid(value)
            && !checks::has_braced_guid(value)
            && !checks::is_identifier_like(value)
            && !checks::is_dotted_name(value)
            && !checks::is_percent_encoded_text(value)
            && !self.filters.is_placeholder(value)
            && checks::entropy(value) >= min_entropy
            && !self.filters.looks_like_hash(
                value,
                &nearby(text, span.start as usize, span.end as usize).to_ascii_lowercase(),
            )
    }
}

/// `Bearer abc...` / `Basic abc...` / `token abc...`: judge the credential, not the scheme.
fn strip_scheme(value: &str) -> &str {
    for scheme in ["Bearer ", "bearer ", "Basic ", "basic ", "token ", "Token "] {
        if let Some(rest) = value.strip_prefix(scheme) {
            return rest.trim_start();
        }
    }
    value
}

/// Secret spans cut at line ends: snippets redact within one line at a time, so a private-key
/// block must be one range per line.
fn per_line(text: &str, secrets: &[Span]) -> Vec<Span> {
    // Overlapping spans (a key shape inside a key) are joined first: snippets replace them one
    // after another, which only works on disjoint spans.
    let mut joined: Vec<Span> = secrets.to_vec();
    joined.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut secrets: Vec<Span> = Vec::with_capacity(joined.len());
    for s in joined {
        match secrets.last_mut() {
            Some(last) if s.start < last.end => last.end = last.end.max(s.end),
            _ => secrets.push(s),
        }
    }
    let mut out = Vec::with_capacity(secrets.len());
    for s in &secrets {
        let Some(slice) = text.get(s.range()) else {
            continue;
        };
        let mut at = s.start as usize;
        for part in slice.split('\n') {
            let line = part.strip_suffix('\r').unwrap_or(part);
            if !line.is_empty() {
                out.push(Span::new(at, at + line.len()));
            }
            at += part.len() + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests;
