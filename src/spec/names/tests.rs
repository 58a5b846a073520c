#[test]
fn identifiers_split_into_lowercase_words() {
    use super::name_words;
    assert_eq!(name_words("OPENAI_API_KEY"), ["openai", "api", "key"]);
    assert_eq!(name_words("openaiApiKey"), ["openai", "api", "key"]);
    assert_eq!(name_words("APIKey"), ["api", "key"]);
    assert_eq!(name_words("NextToken"), ["next", "token"]);
    assert_eq!(name_words("x-api-key"), ["x", "api", "key"]);
    assert_eq!(name_words("token2"), ["token2"]);
    assert_eq!(name_words("__password__"), ["password"]);
}

#[test]
fn a_name_is_its_head_noun() {
    use super::{name_words, NameKind};
    let kind = |heads: &[&str], after: &[&str], not_after: &[&str], modifier| NameKind {
        kind: 0,
        label: String::new(),
        heads: heads.iter().map(|h| name_words(h)).collect(),
        after: after.iter().map(|s| s.to_string()).collect(),
        not_after: not_after.iter().map(|s| s.to_string()).collect(),
        modifier,
        record: false,
    };
    let m = |k: &NameKind, n: &str| k.matches(&name_words(n));
    let password = kind(&["password"], &[], &["hashed"], false);
    assert!(m(&password, "password"));
    assert!(m(&password, "DB_PASSWORD"));
    assert!(!m(&password, "password_policy"));
    assert!(!m(&password, "hashed_password"));
    let token = kind(&["token"], &[], &["next", "max"], true);
    assert!(m(&token, "accessToken"));
    assert!(!m(&token, "token"));
    assert!(!m(&token, "NextToken"));
    assert!(!m(&token, "max_tokens"));
    assert!(!m(&token, "token_count"));
    let key = kind(&["key"], &["api", "secret"], &[], false);
    assert!(m(&key, "OPENAI_API_KEY"));
    assert!(!m(&key, "key"));
    assert!(!m(&key, "cache_key"));
    let dob = kind(&["date_of_birth"], &[], &[], false);
    assert!(m(&dob, "user.dateOfBirth".rsplit('.').next().unwrap()));
    assert!(!m(&dob, "birth"));
}
