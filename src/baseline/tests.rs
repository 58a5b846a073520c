use super::*;
use std::path::PathBuf;

#[test]
fn paths_map_to_the_root() {
    let p = RepoPaths {
        cwd: PathBuf::from("/repo/sub"),
        root: PathBuf::from("/repo"),
    };
    assert_eq!(p.to_root("a/b.py"), "sub/a/b.py");
    assert_eq!(p.to_root("../c.py"), "c.py");
    assert_eq!(p.to_root("/repo/d/e.py"), "d/e.py");
    assert_eq!(p.to_root("/elsewhere/f.py"), "/elsewhere/f.py");
    assert_eq!(p.to_root("./g.py"), "sub/g.py");
}

#[test]
fn version_is_checked() {
    let e = Baseline::parse(
        r#"{"version": 9, "tool": "aiguard", "findings": []}"#,
        Path::new("b.json"),
    )
    .unwrap_err();
    assert!(e.contains("version 9"), "{e}");
    assert!(Baseline::parse("[]", Path::new("b.json")).is_err());
    assert!(Baseline::parse(
        r#"{"version": 1, "tool": "aiguard", "findings": []}"#,
        Path::new("b.json")
    )
    .is_ok());
}
