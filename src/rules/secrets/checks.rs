//! Generic value checks: entropy, placeholders, structure checks named in the pack. They look at
//! the value (and, for hashes, the words next to it), never at the shape of the line.

use crate::spec::secrets::Filters;

impl Filters {
    /// True when the value is a placeholder, template, mask, dummy or known non-secret id.
    pub fn is_placeholder(&self, value: &str) -> bool {
        let lower = value.to_lowercase();
        if self.dummies.contains(&lower) {
            return true;
        }
        if self
            .id_prefixes
            .iter()
            .any(|p| lower.starts_with(p.as_str()))
        {
            return true;
        }
        if self.words.iter().any(|w| lower.contains(w.as_str())) {
            return true;
        }
        if lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|part| self.parts.iter().any(|p| p == part))
        {
            return true;
        }
        // `$VAR`, `%VAR%`, `@VAR@`, `{var}` (an f-string or format field), `<var>`: a reference,
        // not a value.
        let b = value.as_bytes();
        if b.first() == Some(&b'$')
            || (b.len() > 2 && b.first() == Some(&b'{') && b.last() == Some(&b'}'))
            || (b.len() > 2 && b.first() == Some(&b'<') && b.last() == Some(&b'>'))
            || (b.len() > 2 && b.first() == Some(&b'%') && b.last() == Some(&b'%'))
            || (b.len() > 2 && b.first() == Some(&b'@') && b.last() == Some(&b'@'))
        {
            return true;
        }
        // Short values are judged more strictly: `abcd1234` is typed, not generated.
        has_run(b, if b.len() < 24 { 4 } else { 5 })
    }

    /// True when a hex value of a hash's length sits next to a hash word (`sha256 = "..."`,
    /// `revision="..."`): a digest or a commit, not a key.
    pub fn looks_like_hash(&self, value: &str, nearby_lower: &str) -> bool {
        matches!(value.len(), 32 | 40 | 64 | 128)
            && value.bytes().all(|b| b.is_ascii_hexdigit())
            && self
                .hash_words
                .iter()
                .any(|w| nearby_lower.contains(w.as_str()))
    }
}

/// A run of `n` equal or consecutive (ascending or descending) characters: `aaaaa`, `12345`,
/// `abcde`, `98765`. Random keys almost never contain one; typed placeholders nearly always do.
pub fn has_run(b: &[u8], n: usize) -> bool {
    if n < 2 || b.len() < n {
        return false;
    }
    let (mut same, mut up, mut down) = (1, 1, 1);
    for w in b.windows(2) {
        let (x, y) = (w[0].to_ascii_lowercase(), w[1].to_ascii_lowercase());
        let alnum = x.is_ascii_alphanumeric() && y.is_ascii_alphanumeric();
        same = if x == y { same + 1 } else { 1 };
        up = if alnum && y == x.wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if alnum && x == y.wrapping_add(1) {
            down + 1
        } else {
            1
        };
        if same >= n || up >= n || down >= n {
            return true;
        }
    }
    false
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = f64::from(n);
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// `8-4-4-4-12` hex.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A Windows registry or COM name built around a braced GUID (`_SA_{262E99C9-6160-4871-ACEC-
/// 4E61736B6F21}`, an LSA secret's name in winapi): an identifier, not a secret.
pub fn has_braced_guid(s: &str) -> bool {
    s.match_indices('{').any(|(i, _)| {
        s.get(i + 1..i + 37).is_some_and(is_uuid) && s.get(i + 37..i + 38) == Some("}")
    })
}

pub fn digit_count(s: &str) -> usize {
    s.bytes().filter(u8::is_ascii_digit).count()
}

/// GitHub classic tokens (`ghp_` + 30 random + 6 checksum): the checksum is the CRC32 of the 30
/// random characters, in base62 (`0-9A-Za-z`), left-padded with `0` to 6 characters.
pub fn github_crc32_ok(token: &str) -> bool {
    let Some((_, rest)) = token.split_once('_') else {
        return false;
    };
    if rest.len() != 36 || !rest.is_ascii() {
        return false;
    }
    let (body, check) = rest.split_at(30);
    base62_6(crc32(body.as_bytes())) == check.as_bytes()
}

/// A checksum-valid classic token (`ghp_` + the 30 random characters + their checksum), for
/// tests and the fuzzing harness.
pub fn github_token(prefix: &str, random: &str) -> String {
    let check = base62_6(crc32(random.as_bytes()));
    format!("{prefix}{random}{}", String::from_utf8_lossy(&check))
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn base62_6(mut n: u32) -> [u8; 6] {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// URL-encoded text (`%20!%22$%&'()*+,-.%3A%3B`, a URL parser's test data): three or more `%XX`
/// escapes making up at least a third of the value. Generated secrets are not spelled in escapes.
pub fn is_percent_encoded_text(value: &str) -> bool {
    let escapes = value
        .as_bytes()
        .windows(3)
        .filter(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
        .count();
    escapes >= 3 && escapes * 9 >= value.len()
}

/// A private-key block whose body is real base64 of some length, not `...` or a few letters.
pub fn pem_body_ok(block: &str) -> bool {
    let body: String = block
        .lines()
        .flat_map(|l| l.split("\\n"))
        .filter(|l| !l.contains("-----") && !l.contains(':'))
        .collect::<String>()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/')
        .collect();
    body.len() >= 64 && entropy(&body) >= 4.5
}

/// Dotted names (`support.constant.color.w3c-standard-color-name.css`, a theme's token scope; an
/// i18n key path): three or more dot-separated lowercase parts, each starting with a letter. Keys
/// mix cases or run long random parts; a JWT's parts are base64url.
pub fn is_dotted_name(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            p.len() <= 32
                && p.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        })
}

/// Code identifiers (`V1OrganizationExternalKeysPostRequestAws`, `workloadIdentity.fromX509`) are
/// not random: most of their characters sit in word-like runs (an optional capital, then three or
/// more lowercase letters) and about a third of their letters are vowels, as in English. Random
/// keys, even letters-only ones, rarely do both.
pub fn is_identifier_like(value: &str) -> bool {
    let b = value.as_bytes();
    let letters = b.iter().filter(|c| c.is_ascii_alphabetic()).count();
    let vowels = b
        .iter()
        .filter(|c| matches!(c.to_ascii_lowercase(), b'a' | b'e' | b'i' | b'o' | b'u'))
        .count();
    if letters == 0 || vowels * 10 < letters * 3 {
        return false;
    }
    let (mut in_words, mut i) = (0usize, 0usize);
    while i < b.len() {
        let start = i;
        if b[i].is_ascii_uppercase() {
            i += 1;
        }
        let lower = i;
        while i < b.len() && b[i].is_ascii_lowercase() {
            i += 1;
        }
        if i - lower >= 3 {
            in_words += i - start;
        }
        if i == start {
            i += 1;
        }
    }
    !b.is_empty() && in_words * 10 >= b.len() * 7
}

#[cfg(test)]
mod tests;
