use super::*;
use std::fs;

fn opts(paths: Vec<PathBuf>) -> WalkOptions {
    WalkOptions {
        paths,
        exclude: Vec::new(),
        force_exclude: false,
        max_filesize: 1024 * 1024,
        threads: 2,
        respect_ignore_files: true,
    }
}

/// Display paths of the candidates, relative to `root`.
fn names(root: &Path, cands: &[Candidate]) -> Vec<String> {
    cands
        .iter()
        .map(|c| {
            c.path
                .strip_prefix(root)
                .unwrap_or(&c.path)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

fn write(root: &Path, rel: &str, text: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

#[test]
fn default_excludes() {
    assert!(default_excluded(".git", true));
    assert!(default_excluded("node_modules", true));
    assert!(default_excluded("target", true));
    assert!(!default_excluded("target", false));
    assert!(default_excluded("app.min.js", false));
    assert!(default_excluded("x.js.map", false));
    assert!(default_excluded("model.SafeTensors", false));
    assert!(default_excluded("yarn.lock", false));
    assert!(!default_excluded("app.js", false));
    assert!(!default_excluded(".bin", false));
    assert!(!default_excluded(".env", false));
}

#[test]
fn walk_honours_ignore_files_and_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.py", b"x = 1\n");
    write(root, ".env", b"KEY=1\n");
    write(root, ".gitignore", b"ignored.py\n");
    write(root, "ignored.py", b"x = 1\n");
    write(root, "sub/.aiguardignore", b"local.ts\n");
    write(root, "sub/local.ts", b"x\n");
    write(root, "sub/b.ts", b"x\n");
    write(root, "node_modules/m/index.js", b"x\n");
    write(root, "build/out.py", b"x\n");
    write(root, ".git/config", b"x\n");
    write(root, "w.png", b"x\n");
    write(root, "x.py/inner.py", b"x\n");
    let (cands, skipped) = walk(&opts(vec![root.to_path_buf()]));
    assert_eq!(
        names(root, &cands),
        [
            ".env",
            ".gitignore",
            "a.py",
            "sub/.aiguardignore",
            "sub/b.ts",
            "x.py/inner.py"
        ]
    );
    assert!(skipped.is_empty(), "{skipped:?}");
    assert!(cands
        .iter()
        .all(|c| !c.explicit && !c.display.contains('\\')));

    let mut o = opts(vec![root.to_path_buf()]);
    o.respect_ignore_files = false;
    let (cands, _) = walk(&o);
    let n = names(root, &cands);
    assert!(n.contains(&"ignored.py".to_string()) && n.contains(&"sub/local.ts".into()));
    assert!(!n.iter().any(|p| p.starts_with("node_modules")));
}

#[test]
fn user_excludes_and_explicit_paths() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "keep.py", b"x\n");
    write(root, "gen/a.py", b"x\n");
    write(root, "b.gen.py", b"x\n");
    let mut o = opts(vec![root.to_path_buf(), root.join("b.gen.py")]);
    o.exclude = vec!["gen/".into(), "*.gen.py".into()];
    let (cands, skipped) = walk(&o);
    // Named explicitly: scanned despite the exclude; the walk does not find it twice.
    assert_eq!(names(root, &cands), ["b.gen.py", "keep.py"]);
    assert!(cands[0].explicit && !cands[1].explicit);
    assert!(skipped.is_empty());

    o.force_exclude = true;
    o.paths = vec![root.join("b.gen.py"), root.join("keep.py")];
    let (cands, skipped) = walk(&o);
    assert_eq!(names(root, &cands), ["keep.py"]);
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].reason, SkipReason::Excluded);
}

#[test]
fn display_is_relative_with_slashes() {
    let cwd = PathBuf::from("/w/proj");
    let cwds = [cwd.clone()];
    assert_eq!(display_of(Path::new("./src/a.py"), &cwds), "src/a.py");
    assert_eq!(display_of(&cwd.join("src/a.py"), &cwds), "src/a.py");
    assert_eq!(
        display_of(Path::new("/elsewhere/a.py"), &cwds),
        "/elsewhere/a.py"
    );
    assert_eq!(display_of(Path::new("../x/a.py"), &cwds), "../x/a.py");
    assert_eq!(display_of(Path::new("."), &cwds), ".");
}

#[test]
fn excluded_ancestor_of_explicit_path() {
    let ex = Excludes::new(&["tests/fixtures".into()], Path::new("/w"));
    assert!(ex.path("node_modules/x/a.js", false));
    assert!(ex.path("tests/fixtures/a.py", false));
    assert!(!ex.path("tests/a.py", false));
    assert!(!ex.path("/abs/build/a.py", false));
}

fn load_bytes(name: &str, bytes: &[u8], max: u64) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, bytes).unwrap();
    let c = Candidate {
        path,
        display: name.into(),
        explicit: false,
        role_path: Some(name.into()),
    };
    load(&c, max)
}

fn reason(l: &Loaded) -> Option<SkipReason> {
    l.note.as_ref().map(|n| n.reason)
}

#[test]
fn load_classifies() {
    let l = load_bytes("a.py", b"x = 1\n", 100);
    assert_eq!(l.source.unwrap().language, Language::Python);
    assert!(l.note.is_none());

    let l = load_bytes("a.py", b"x = 1\0\n", 100);
    assert_eq!(reason(&l), Some(SkipReason::Binary));
    assert!(l.source.is_none());

    let l = load_bytes("a.py", &[0xFF, 0xFE, b'x', 0, b'=', 0, b'1', 0], 100);
    assert_eq!(l.source.unwrap().text, "x=1");

    let l = load_bytes("a.py", &[b'x'; 101], 100);
    assert_eq!(reason(&l), Some(SkipReason::TooLarge));
    assert!(l.note.unwrap().detail.unwrap().contains("101"));

    let l = load_bytes("a.ipynb", b"{not json", 100);
    assert_eq!(reason(&l), Some(SkipReason::BrokenNotebook));
    let s = l.source.unwrap();
    assert_eq!((s.language, s.text.as_str()), (Language::Text, "{not json"));
}

#[test]
fn minified_heuristic() {
    let long = "a".repeat(6000);
    let l = load_bytes("m.js", long.as_bytes(), 1 << 20);
    assert_eq!(reason(&l), Some(SkipReason::Minified));
    // One long data line in an ordinary file is not minification.
    let mut text = long.clone();
    text.push_str(&"let x = 1;\n".repeat(500));
    let l = load_bytes("m.js", text.as_bytes(), 1 << 20);
    assert!(l.note.is_none() && l.source.is_some());
    let l = load_bytes("m.d.ts", long.as_bytes(), 1 << 20);
    assert!(l.note.is_none() && l.source.is_some());
    // Python is never "minified".
    let l = load_bytes("m.py", long.as_bytes(), 1 << 20);
    assert!(l.note.is_none());
}

#[cfg(unix)]
#[test]
fn symlink_loop_and_special_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "d/a.py", b"x\n");
    std::os::unix::fs::symlink(root, root.join("d/loop")).unwrap();
    std::os::unix::fs::symlink(root.join("d/a.py"), root.join("link.py")).unwrap();
    let (cands, skipped) = walk(&opts(vec![root.to_path_buf()]));
    assert_eq!(names(root, &cands), ["d/a.py"]);
    assert!(skipped.is_empty());
    // A symlink named explicitly is followed.
    let (cands, _) = walk(&opts(vec![root.join("link.py")]));
    assert_eq!(cands.len(), 1);
}
