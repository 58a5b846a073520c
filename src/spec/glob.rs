//! Qualified-name globs: the way every table of the packs names calls, decorators, bases and
//! modules (`openai*chat.completions.create`, `*.from_pretrained`).

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

#[cfg(test)]
mod tests;
