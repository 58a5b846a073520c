use super::*;
use crate::ir::{Expr, ExprKind, Stmt, StmtKind};
use crate::source::Language;
use crate::spec::registry::Registry;

/// Deterministic random strings over a charset (xorshift), so tests need no fixture files.
fn rand(seed: &mut u64, charset: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            charset[(*seed % charset.len() as u64) as usize] as char
        })
        .collect()
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";

fn hits(lang: Language, text: &str) -> Vec<Hit> {
    hits_with(
        Source::new("t".into(), lang, text.into()),
        &Module::default(),
    )
}

fn hits_with(source: Source, module: &Module) -> Vec<Hit> {
    scan_with(&source, module).0
}

/// Hits and the file's redactions, with every rule enabled.
fn scan_with(source: &Source, module: &Module) -> (Vec<Hit>, Redactions) {
    let reg = Registry::builtin();
    let enabled: BTreeSet<&'static str> = reg.rules.iter().map(|r| r.id).collect();
    let mut out = Vec::new();
    let redactions = run(source, module, reg, &enabled, &mut out);
    (out, redactions)
}

/// Hits and what a plain source's snippets mask.
fn scan(lang: Language, text: &str) -> (Vec<Hit>, Vec<Span>) {
    let (h, r) = scan_with(
        &Source::new("t".into(), lang, text.into()),
        &Module::default(),
    );
    (h, r.snippets)
}

fn groq(seed: &mut u64) -> String {
    format!("gsk_{}", rand(seed, ALNUM, 52))
}

#[test]
fn prefixed_key_found_with_a_redacted_message() {
    let mut s = 1;
    let key = groq(&mut s);
    let text = format!("GROQ = \"{key}\"\n");
    let (h, redact) = scan(Language::Text, &text);
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(h[0].rule_id, "AIG101");
    assert_eq!(&text[h[0].span.range()], key);
    assert_eq!(redact, vec![h[0].span]);
    assert!(h[0].message.contains("`gsk_…` (56 chars)"));
    assert!(!h[0].message.contains(&key[4..]));
}

#[test]
fn keys_inside_longer_tokens_or_images_are_not_keys() {
    let mut s = 2;
    let key = groq(&mut s);
    for text in [
        format!("x = \"abc{key}\""),
        format!("x = \"{key}Zq\""),
        format!("<img src=\"data:image/png;base64,{key}\">"),
        format!("\"image/png\": \"{key}\""),
    ] {
        assert!(hits(Language::Text, &text).is_empty(), "{text}");
    }
    // A JSON `\n` escape separates tokens.
    assert_eq!(hits(Language::Text, &format!("\"x\\n{key}\\n\"")).len(), 1);
}

#[test]
fn keys_inside_urls_and_paths_are_found() {
    let mut s = 11;
    let ghp = checks::github_token("ghp_", &rand(&mut s, ALNUM, 30));
    let hf = format!("hf_{}", rand(&mut s, ALNUM, 34));
    for (text, key) in [
        (format!("git+https://{ghp}@github.com/org/repo.git\n"), &ghp),
        (
            format!("url = \"https://x-access-token:{ghp}@github.com/o/r\""),
            &ghp,
        ),
        (
            format!("\"dep\": \"git+https://{ghp}@github.com/o/r.git\""),
            &ghp,
        ),
        (format!("p = \"/models/{hf}/model\""), &hf),
        (format!("p = \"{hf}/model\""), &hf),
        (format!("a+{hf}+b"), &hf),
    ] {
        let h = hits(Language::Text, &text);
        assert_eq!(h.len(), 1, "{text}: {h:?}");
        assert_eq!(&text[h[0].span.range()], key.as_str(), "{text}");
    }
    // A prefix-free shape inside a base64 run is still part of the run.
    let blob = format!("QUJD/{}+xyz", rand(&mut s, ALNUM, 40));
    let (h, _) = scan(Language::Text, &format!("b = \"{blob}\" # cohere"));
    assert!(h.is_empty(), "{h:?}");
}

#[test]
fn key_shapes_inside_longer_tokens_are_masked() {
    let mut s = 12;
    let key = groq(&mut s);
    let text = format!("x = \"abc{key}\"");
    let (h, redact) = scan(Language::Text, &text);
    assert!(h.is_empty());
    assert!(redact.iter().any(|r| text[r.range()] == key), "{redact:?}");
}

#[test]
fn dismissed_shapes_are_masked_in_snippets_only() {
    // A path that has the form of a key, near a provider's name, is not a key: its snippet hides
    // it all the same, but the output does not mask the path wherever else it is printed.
    let text = "# aws docs: application/api/answer/services/compression2/x.py\n";
    let source = Source::new("t".into(), Language::Text, text.into());
    let (h, r) = scan_with(&source, &Module::default());
    assert!(h.is_empty());
    assert!(!r.snippets.is_empty());
    assert!(r.values(&source).is_empty());
}

#[test]
fn shapes_without_prefix_need_the_provider_nearby() {
    let mut s = 3;
    let key = rand(&mut s, ALNUM, 40);
    assert!(hits(Language::Python, &format!("x = \"{key}\"")).is_empty());
    let h = hits(Language::Python, &format!("co = cohere.Client(\"{key}\")"));
    assert_eq!(h.len(), 1);
    assert!(h[0].message.starts_with("Cohere API key (40 chars)"));
    // The provider on a line that opens the call, across a comment.
    let text = format!("co = cohere.Client(\n    # prod\n    \"{key}\",\n)");
    assert_eq!(hits(Language::Python, &text).len(), 1);
    // An id named after the provider is not its key.
    assert!(hits(Language::Python, &format!("cohere_model_id = \"{key}\"")).is_empty());
}

#[test]
fn hashes_next_to_hash_words_are_not_keys() {
    let mut s = 4;
    let hex = rand(&mut s, HEX, 40);
    assert_eq!(
        hits(Language::Text, &format!("WANDB_API_KEY={hex}")).len(),
        1
    );
    assert!(hits(Language::Text, &format!("wandb_commit_sha1={hex}")).is_empty());
}

#[test]
fn private_key_reported_on_its_header_and_redacted_per_line() {
    let mut s = 5;
    let body: Vec<String> = (0..4)
        .map(|_| {
            rand(
                &mut s,
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                64,
            )
        })
        .collect();
    let text = format!(
        "key: |\r\n  -----BEGIN RSA PRIVATE KEY-----\r\n  {}\r\n  -----END RSA PRIVATE KEY-----\r\n",
        body.join("\r\n  ")
    );
    let (h, redact) = scan(Language::Text, &text);
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(&text[h[0].span.range()], "-----BEGIN RSA PRIVATE KEY-----");
    for r in &redact {
        let part = &text[r.range()];
        assert!(!part.contains('\n') && !part.ends_with('\r'), "{part:?}");
    }
    for line in &body {
        assert!(redact
            .iter()
            .any(|r| text[r.range()].contains(line.as_str())));
    }
    let placeholder = "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----";
    assert!(hits(Language::Text, placeholder).is_empty());
}

#[test]
fn notebook_outputs_are_read_from_the_raw_json_once() {
    let mut s = 6;
    let (cell_key, out_key) = (groq(&mut s), groq(&mut s));
    let code = format!("k = \"{cell_key}\"\n");
    let raw = format!(
        "{{\"cells\": [{{\"source\": [\"k = \\\"{cell_key}\\\"\\n\"], \"outputs\": [{{\"text\": [\"{out_key}\\n\"]}}]}}]}}"
    );
    let mut source = Source::new("n.ipynb".into(), Language::Notebook, code.clone());
    source.raw = Some(raw.clone());
    let (h, redactions) = scan_with(&source, &Module::default());
    assert_eq!(h.len(), 2, "{h:?}");
    let cell = h.iter().find(|h| !h.in_raw).expect("cell hit");
    assert_eq!(&code[cell.span.range()], cell_key);
    let out = h.iter().find(|h| h.in_raw).expect("output hit");
    assert_eq!(&raw[out.span.range()], out_key);
    // Both keys are redacted in the raw JSON, where the output's snippet comes from.
    assert_eq!(redactions.raw.len(), 2);
}

fn str_expr(text: &str, value: &str) -> Expr {
    let at = text.find(value).expect("value in text") - 1;
    Expr::new(
        ExprKind::Str(value.into()),
        Span::new(at, at + value.len() + 2),
    )
}

fn assign(text: &str, name: &str, value: &str) -> Stmt {
    Stmt {
        kind: StmtKind::Assign {
            targets: vec![Expr::new(
                ExprKind::Name(name.into()),
                Span::new(0, name.len()),
            )],
            value: str_expr(text, value),
            augmented: false,
        },
        span: Span::new(0, text.len()),
    }
}

#[test]
fn secret_named_assignments_from_the_ir() {
    let mut s = 7;
    let value = rand(&mut s, ALNUM, 24);
    for (name, expected) in [
        ("WEBHOOK_SECRET", 1),
        ("apiKey", 1),
        ("max_tokens", 0),
        ("secret_name", 0),
        ("NextToken", 0),
        ("tokenizer", 0),
    ] {
        let text = format!("{name} = \"{value}\"\n");
        let module = Module {
            body: vec![assign(&text, name, &value)],
            ..Module::default()
        };
        let source = Source::new("a.py".into(), Language::Python, text.clone());
        let h = hits_with(source, &module);
        assert_eq!(h.len(), expected, "{name}");
        if let Some(h) = h.first() {
            assert_eq!(h.rule_id, "AIG103");
            assert_eq!(&text[h.span.range()], value);
            assert!(!h.message.contains(&value));
        }
    }
    // Placeholders and low-entropy values are not secrets.
    for value in [
        "your-api-key-here-1234",
        "aaaaaaaaaaaaaaaa1",
        "${WEBHOOK_SECRET}",
    ] {
        let text = format!("WEBHOOK_SECRET = \"{value}\"\n");
        let module = Module {
            body: vec![assign(&text, "WEBHOOK_SECRET", value)],
            ..Module::default()
        };
        let source = Source::new("a.py".into(), Language::Python, text.clone());
        assert!(hits_with(source, &module).is_empty(), "{value}");
    }
}

#[test]
fn secret_named_pairs_in_config_text() {
    let mut s = 8;
    let value = rand(&mut s, ALNUM, 24);
    let key = groq(&mut s);
    let text =
        format!("db:\n  password: \"{value}\"\n  token_count: {value}\nGROQ_API_KEY={key}\n");
    let (h, redact) = scan(Language::Text, &text);
    let ids: Vec<&str> = h.iter().map(|h| h.rule_id).collect();
    // The provider key is AIG101's only; both secrets are masked in every snippet of the file.
    assert_eq!(ids, ["AIG101", "AIG103"], "{h:?}");
    assert_eq!(redact.len(), 2);
}

#[test]
fn disabled_rules_report_nothing() {
    let mut s = 9;
    let text = format!("GROQ = \"{}\"\n", groq(&mut s));
    let source = Source::new("t".into(), Language::Text, text);
    let mut out = Vec::new();
    let enabled: BTreeSet<&'static str> = ["AIG601"].into_iter().collect();
    run(
        &source,
        &Module::default(),
        Registry::builtin(),
        &enabled,
        &mut out,
    );
    assert!(out.is_empty());
}

#[test]
fn code_read_as_text_assigns_calls_not_secrets() {
    // OpenSSL's apps/cms.c: the value is a call.
    let call = "secret_key = OPENSSL_hexstr2buf(opt_arg(), &ltmp);\n";
    assert!(hits(Language::Text, call).is_empty());
    // An unquoted value in a config file still is one.
    assert_eq!(
        hits(Language::Text, "SECRET_KEY=q8Zr2LmX9vTb4NwK7pHs3Yd6\n").len(),
        1
    );
}

/// A name with a multi-byte character before a bare key (`TWILIO_A\u{FFFD}I_KEY=SK...`, a .env
/// with one invalid byte): the name is cut at a character boundary. Found by fuzzing; it panicked.
#[test]
fn a_wide_character_in_a_keys_name_is_no_panic() {
    for text in [
        "TWILIO_A\u{FFFD}I_KEY=SK2f87dd87ff79fb3b6eb67e7d2939b5a3\n",
        "é=SK2f87dd87ff79fb3b6eb67e7d2939b5a3\n",
    ] {
        let at = text.find("SK").expect("key");
        assert!(!bound_to_id_name(text, at));
        let _ = hits(Language::Text, text);
    }
}
