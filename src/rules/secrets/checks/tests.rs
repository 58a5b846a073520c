use super::*;

fn filters() -> Filters {
    let pack: toml::Value =
        toml::from_str(include_str!("../../../../rules/secrets.toml")).expect("pack parses");
    let f = pack.get("secret_filters").expect("filters").clone();
    f.try_into::<Filters>().expect("filters parse").normalised()
}

#[test]
fn entropy_of_known_strings() {
    assert_eq!(entropy(""), 0.0);
    assert_eq!(entropy("aaaa"), 0.0);
    assert!((entropy("abcd") - 2.0).abs() < 1e-9);
    assert!(entropy("q8Zr2LkP0vXw7NcT4bYh") > 4.0);
}

#[test]
fn percent_encoded_text_is_not_a_key() {
    assert!(is_percent_encoded_text(
        "%20!%22$%&'()*+,-.%3A%3B%3C%3D%3E%40%5B%5C%5D%5E_%60%7B%7C%7D~"
    ));
    // A real password with an escaped character or two is still judged.
    assert!(!is_percent_encoded_text("yHAEVS9Qq%40DHP9pnZ%21kd8Lw"));
    assert!(!is_percent_encoded_text("q8Zr2LkP0vXw7NcT4bYh"));
    assert!(!is_percent_encoded_text("%zz%zz%zz"));
}

#[test]
fn runs_are_found() {
    assert!(has_run(b"xx12345yy", 5));
    assert!(has_run(b"AAAAA", 5));
    assert!(has_run(b"zyxwv", 5));
    assert!(!has_run(b"a1b2c3d4e5", 5));
    assert!(!has_run(b"abcd", 5));
}

#[test]
fn placeholders_and_real_values() {
    let f = filters();
    for p in [
        "your-api-key",
        "sk-...",
        "sk-xxxxxxxxxxxx",
        "<API_KEY>",
        "${OPENAI_API_KEY}",
        "{{ api_key }}",
        "%(key)s",
        "changeme",
        "EMPTY",
        "ollama",
        "sk-no-key-required",
        "sk-****abcd",
        "org-Q8ZrLkP0vXw7NcT4bYhq",
        "pk_live_51Hq8ZrLkP0vXw7NcT4b",
        "$SECRET",
        "fake_key_q8Zr2LkP0",
        "abcd1234efgh",
    ] {
        assert!(f.is_placeholder(p), "{p} should be a placeholder");
    }
    for real in ["q8Zr2LkP0vXw7NcT4bYh", "sk-proj-Q8ZrLkP0vXw7NcT4bYhq_2Lk"] {
        assert!(!f.is_placeholder(real), "{real} is not a placeholder");
    }
}

#[test]
fn hashes_need_hash_words_nearby() {
    let f = filters();
    let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    assert!(f.looks_like_hash(hex, "sha256 = \"9f86...\""));
    assert!(!f.looks_like_hash(hex, "together_api_key = \"9f86...\""));
    assert!(!f.looks_like_hash("9f86", "sha256"));
}

#[test]
fn uuids() {
    assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
    assert!(!is_uuid("123e4567e89b12d3a456426614174000"));
    assert!(has_braced_guid(
        "_SA_{262E99C9-6160-4871-ACEC-4E61736B6F21}"
    ));
    assert!(!has_braced_guid("{262E99C9-6160-4871-ACEC-4E61736B6F2}"));
    assert!(!has_braced_guid("q8Zr2{LmX9vTb4NwK7pHs3Yd6}"));
}

#[test]
fn github_checksum() {
    let body = "Q8ZrLkP0vXw7NcT4bYhq2LkP0vXw7N";
    let check = base62_6(crc32(body.as_bytes()));
    let good = format!("ghp_{body}{}", std::str::from_utf8(&check).unwrap());
    assert!(github_crc32_ok(&good));
    let mut bad = good.clone();
    bad.replace_range(10..11, "A");
    assert!(!github_crc32_ok(&bad));
    assert!(!github_crc32_ok("ghp_short"));
    // The standard CRC32 check value.
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
}

#[test]
fn pem_bodies() {
    assert!(!pem_body_ok(
        "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"
    ));
    let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7q8Zr2LkP0vXw7NcT4bYh";
    assert!(pem_body_ok(&format!(
        "-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----"
    )));
}
use super::{is_dotted_name, is_identifier_like};

#[test]
fn dotted_names_are_not_keys() {
    assert!(is_dotted_name(
        "support.constant.color.w3c-standard-color-name.css"
    ));
    assert!(is_dotted_name("errors.auth.token_expired2"));
    assert!(!is_dotted_name(
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4fwpM"
    ));
    assert!(!is_dotted_name("k8s7dj2kd9q0xk3m1z"));
    assert!(!is_dotted_name("a1.b2"));
}

#[test]
fn identifiers_are_not_keys() {
    assert!(is_identifier_like(
        "V1OrganizationExternalKeysPostRequestAws"
    ));
    assert!(is_identifier_like("workloadIdentity.fromX509("));
    assert!(!is_identifier_like(
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    ));
    assert!(!is_identifier_like(
        "8dQk2Lr9ZpX0vB7nTq4Ws1Yc6Hj3Mf5Ge2Ka9Ux7"
    ));
}
