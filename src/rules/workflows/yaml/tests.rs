use super::*;

fn line_of(text: &str, span: Span) -> usize {
    text[..span.start as usize].matches('\n').count() + 1
}

#[test]
fn a_block_scalar_maps_each_byte_to_its_line() {
    let text = "steps:\n  - run: |\n      echo one\n        echo ${{ x }}\n";
    let root = parse(text).expect("parses");
    let step = &root.get("steps").expect("steps").items()[0];
    let run = step.get("run").and_then(Node::text).expect("run");
    assert_eq!(run.value, "echo one\n  echo ${{ x }}\n");
    let at = run.value.find("${{").expect("expression");
    let span = run.span_of(at..at + 8);
    assert_eq!(line_of(text, span), 4);
    assert_eq!(&text[span.range()], "${{ x }}");
}

#[test]
fn quoted_and_folded_scalars_keep_their_places() {
    let text = "a: \"say \\\"hi\\\" ${{ y }}\"\nb: >\n  one\n  two ${{ z }}\n";
    let root = parse(text).expect("parses");
    let a = root.get("a").and_then(Node::text).expect("a");
    let at = a.value.find("${{").expect("expression");
    assert_eq!(&text[a.span_of(at..at + 8).range()], "${{ y }}");
    let b = root.get("b").and_then(Node::text).expect("b");
    assert_eq!(b.value, "one two ${{ z }}\n");
    let at = b.value.find("${{").expect("expression");
    let span = b.span_of(at..at + 8);
    assert_eq!((line_of(text, span), &text[span.range()]), (4, "${{ z }}"));
}

#[test]
fn non_ascii_text_gives_byte_offsets() {
    let text = "name: « café »\nrun: echo ${{ w }}\n";
    let root = parse(text).expect("parses");
    let run = root.get("run").and_then(Node::text).expect("run");
    let at = run.value.find("${{").expect("expression");
    assert_eq!(&text[run.span_of(at..at + 8).range()], "${{ w }}");
}

#[test]
fn on_is_a_key_and_bad_yaml_is_none() {
    let root = parse("on: push\n").expect("parses");
    assert_eq!(root.get("on").and_then(Node::str), Some("push"));
    assert!(parse("a: [unclosed\n").is_none());
}
