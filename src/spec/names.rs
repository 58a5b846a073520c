//! `[[names]]` and `[[name_lookups]]`: data known by its name (`password`, `date_of_birth`), and
//! calls whose string argument names what they return (`os.getenv("API_KEY")`).

use serde::Deserialize;

/// `[[names]]`: data named like a secret or a personal detail is one, whatever its value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNames {
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) label: Option<String>,
    /// The name's head: its last word or words (`password`, `api_key`, `date_of_birth`).
    pub(crate) heads: Vec<String>,
    /// When set, the word before the head must be one of these (`key` needs `api`, `secret`...).
    #[serde(default)]
    pub(crate) after: Vec<String>,
    /// The word before the head must not be one of these (`next_token`, `hashed_password`).
    #[serde(default)]
    pub(crate) not_after: Vec<String>,
    /// The head alone is not enough (`token`: `access_token` is a secret, `token` is ambiguous).
    #[serde(default)]
    pub(crate) modifier: bool,
    /// The name is a record of such data (`customer`, `users`): it counts only where the value
    /// is written out whole (a `serialize` propagator: `json.dumps(customer)`).
    #[serde(default)]
    pub(crate) record: bool,
}

/// `[[name_lookups]]`: calls whose string argument names what they return (`os.getenv("API_KEY")`,
/// `config.get("password")`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNameLookup {
    /// Method or function names (the last segment of the call).
    #[serde(default)]
    pub(crate) methods: Vec<String>,
    /// Attributes that are the value itself, not a field of it: what the object's name says
    /// holds for them (`prompt.text`, `password.value`).
    #[serde(default)]
    pub(crate) attributes: Vec<String>,
}

/// A compiled `[[names]]` table.
#[derive(Debug)]
pub struct NameKind {
    pub kind: u8,
    pub label: String,
    /// Each head split into words.
    pub heads: Vec<Vec<String>>,
    pub after: Vec<String>,
    pub not_after: Vec<String>,
    pub modifier: bool,
    pub record: bool,
}

impl NameKind {
    /// Whether the identifier's words (lowercase) end in one of the heads, with the modifier
    /// the table asks for.
    pub fn matches(&self, words: &[String]) -> bool {
        self.heads.iter().any(|head| {
            let n = head.len();
            if words.len() < n || words[words.len() - n..] != head[..] {
                return false;
            }
            let before = words.len().checked_sub(n + 1).map(|i| words[i].as_str());
            match before {
                None => !self.modifier && self.after.is_empty(),
                Some(w) => {
                    (self.after.is_empty() || self.after.iter().any(|a| a == w))
                        && !self.not_after.iter().any(|a| a == w)
                }
            }
        })
    }
}

/// An identifier's words, lowercase: `OPENAI_API_KEY`, `openaiApiKey` and `openai-api-key` are
/// all `openai api key`; `APIKey` is `api key`.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
        if boundary && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

#[cfg(test)]
mod tests;
