use super::*;

#[test]
fn language_from_content_only_when_certain() {
    let cases = [
        (
            "#!/usr/bin/env python3\nimport os\n",
            Some(Language::Python),
        ),
        ("#!/usr/bin/python3.11 -u\n", Some(Language::Python)),
        (
            "#!/usr/bin/env -S uv run --script\n",
            Some(Language::Python),
        ),
        ("#!/usr/bin/env node\n", Some(Language::JavaScript)),
        (
            "#!/usr/bin/env -S deno run -A\n",
            Some(Language::TypeScript),
        ),
        ("#!/bin/sh\necho hi\n", None),
        ("{\"cells\": [], \"nbformat\": 4}", Some(Language::Notebook)),
        ("{\"name\": \"x\"}", None),
        ("import os\nprint(os.environ)\n", None),
        ("const x = require('y');\n", None),
        ("", None),
    ];
    for (text, want) in cases {
        assert_eq!(Language::from_content(text), want, "{text:?}");
    }
}

#[test]
fn line_col_counts_code_points() {
    let text = "ab\néé = 1\r\nx";
    let idx = LineIndex::new(text);
    assert_eq!(idx.line_col(text, 0), (1, 1));
    let x = text.find('=').unwrap();
    assert_eq!(idx.line_col(text, x), (2, 4));
    assert_eq!(idx.line_col(text, text.len()), (3, 2));
    assert_eq!(&text[idx.line_range(text, 1)], "éé = 1");
}

#[test]
fn decode_handles_bom_and_utf16() {
    assert_eq!(decode(b"\xEF\xBB\xBFx=1"), "x=1");
    assert_eq!(decode(b"\xFF\xFEx\x00=\x001\x00"), "x=1");
    assert_eq!(decode(b"a\xFFb"), "a\u{FFFD}b");
}
