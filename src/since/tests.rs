use super::*;

#[test]
fn changed_lines_are_the_inserted_and_replaced_ones() {
    let old = "a\nb\nc\nd\n";
    let new = "x\na\nb\nC\nd\ne\n";
    assert_eq!(
        changed_lines(old, new),
        Change::Lines(vec![(1, 1), (4, 4), (6, 6)])
    );
    assert_eq!(changed_lines(old, "a\nd\n"), Change::Lines(vec![]));
    // A checkout's CRLF is not a change.
    assert_eq!(
        changed_lines(old, "a\r\nb\r\nc\r\nd\r\n"),
        Change::Lines(vec![])
    );
}

#[test]
fn ls_tree_and_renames_are_parsed() {
    let tree = [
        "100644 blob 1111\tapp.py",
        "160000 commit 2222\tsub",
        "100644 blob 3333\ta\tb.py",
        "",
    ]
    .join("\0");
    let blobs = parse_ls_tree(&tree);
    assert_eq!(blobs.len(), 2);
    assert_eq!(blobs["app.py"], "1111");
    assert_eq!(blobs["a\tb.py"], "3333");
    let renames = parse_renames("M\0app.py\0R097\0old.py\0new.py\0C100\0x.py\0y.py\0A\0n.py\0");
    assert_eq!(renames.len(), 1);
    assert_eq!(renames["new.py"], "old.py");
}
