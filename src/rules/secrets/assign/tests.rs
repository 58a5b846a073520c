use super::*;
use crate::spec::secrets::normalise;

#[test]
fn names_are_normalised() {
    assert_eq!(normalise("OPENAI_API_KEY"), "openai_api_key");
    assert_eq!(normalise("apiKey"), "api_key");
    assert_eq!(normalise("APIKey"), "apikey");
    assert_eq!(normalise("x-api-key"), "x_api_key");
    assert_eq!(
        normalise("spring.datasource.password"),
        "spring_datasource_password"
    );
    assert_eq!(normalise("NextToken"), "next_token");
    assert_eq!(normalise("__secret__"), "secret");
}

#[test]
fn literal_spans_skip_quotes() {
    let text = r#"x = "abc\"def" + 'plain'"#;
    let e = Expr::new(ExprKind::Str("plain".into()), Span::new(17, 24));
    assert_eq!(literal_span(text, &e), Some(Span::new(18, 23)));
    let escaped = Expr::new(ExprKind::Str("abc\"def".into()), Span::new(4, 14));
    assert_eq!(literal_span(text, &escaped), Some(Span::new(5, 13)));
}
