//! The result cache end to end: a warm scan reports exactly what a cold one does, edits (also
//! across files) are seen, and a cache the scanned repository planted is never trusted.

mod common;

use common::{aiguard, project};
use std::path::Path;
use tempfile::TempDir;

/// A scan of `dir` as JSON or SARIF, every finding, with the result cache in `cache` and its key
/// in `home` (none of the user's own).
fn scan(dir: &Path, home: &Path, format: &str, cache: &[&str]) -> (String, String) {
    let out = aiguard()
        .current_dir(dir)
        .env("XDG_CACHE_HOME", home)
        .env_remove("AIGUARD_CACHE_DIR")
        .env_remove("AIGUARD_NO_CACHE")
        .args(["scan", ".", "--format", format, "--exit-zero"])
        .args(["--min-confidence", "low", "--include-tests"])
        .args(cache)
        .output()
        .expect("run");
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    (stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The report of a scan with the cache in `.aiguard_cache`, and one with none.
fn warm_and_cold(dir: &Path, home: &Path, format: &str) -> (String, String) {
    let (warm, err) = scan(dir, home, format, &[]);
    assert!(!err.contains("warning"), "{err}");
    let (cold, _) = scan(dir, home, format, &["--no-cache"]);
    (warm, cold)
}

/// The one cache file of a cache directory.
fn cache_file(dir: &Path) -> std::path::PathBuf {
    let files: Vec<_> = std::fs::read_dir(dir)
        .expect("cache dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

const ROUTE: &str = "from fastapi import APIRouter\n\
from app.utils.validate import validate_code\n\
router = APIRouter()\n\
@router.post('/validate')\n\
async def post_validate(code: str):\n    return validate_code(code)\n";

const SINKS: &str = "def validate_code(code):\n    exec(code)\n";
const SAFE: &str = "def validate_code(code):\n    return len(code)\n";

const MODEL: &str = "from openai import OpenAI\n\
client = OpenAI(api_key='sk-proj-Xk3v9QmZt7Lw2RbN8pYcH4sJdF6gTe1uVa5Wq0')\n\
def ask(q):\n    r = client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': q}])\n\
    out = r.choices[0].message.content\n    eval(out)\n    return out\n";

fn app() -> TempDir {
    project(&[
        ("app/api/routes.py", ROUTE),
        ("app/utils/validate.py", SINKS),
        ("app/model.py", MODEL),
        ("web/chat.ts", "import OpenAI from 'openai';\nconst c = new OpenAI();\nexport async function f(q: string) {\n  const r = await c.chat.completions.create({model: 'gpt-4o', messages: [{role: 'user', content: q}]});\n  eval(r.choices[0].message.content!);\n}\n"),
    ])
}

#[test]
fn a_warm_scan_reports_what_a_cold_one_does_and_writes_nothing_new() {
    let dir = app();
    let home = tempfile::tempdir().expect("tempdir");
    for format in ["json", "sarif"] {
        let (first, _) = scan(dir.path(), home.path(), format, &[]);
        let file = cache_file(&dir.path().join(".aiguard_cache"));
        let written = std::fs::read(&file).expect("cache file");
        let (warm, cold) = warm_and_cold(dir.path(), home.path(), format);
        assert_eq!(first, cold);
        assert_eq!(warm, cold);
        assert!(warm.contains("AIG309"), "{warm}");
        // Nothing changed: the cache file is left as it was.
        assert_eq!(std::fs::read(&file).expect("cache file"), written);
    }
    let cache = dir.path().join(".aiguard_cache");
    assert_eq!(
        std::fs::read_to_string(cache.join(".gitignore")).expect("gitignore"),
        "# Made by aiguard.\n*\n"
    );
    assert!(std::fs::read_to_string(cache.join("CACHEDIR.TAG"))
        .expect("tag")
        .starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
}

#[test]
fn an_edit_is_seen_in_the_file_and_across_files() {
    let dir = app();
    let home = tempfile::tempdir().expect("tempdir");
    let validate = dir.path().join("app/utils/validate.py");
    let route = dir.path().join("app/api/routes.py");
    let (first, _) = scan(dir.path(), home.path(), "json", &[]);
    assert!(first.contains("AIG309"), "{first}");
    // The callee no longer sinks its parameter: the route's flow ends.
    std::fs::write(&validate, SAFE).expect("write");
    let (warm, cold) = warm_and_cold(dir.path(), home.path(), "json");
    assert_eq!(warm, cold);
    assert!(!warm.contains("AIG309"), "{warm}");
    // It sinks it again; then the caller stops passing request data.
    std::fs::write(&validate, SINKS).expect("write");
    let (warm, cold) = warm_and_cold(dir.path(), home.path(), "json");
    assert_eq!(warm, cold);
    assert!(warm.contains("AIG309"), "{warm}");
    std::fs::write(
        &route,
        ROUTE.replace("validate_code(code)", "validate_code('1')"),
    )
    .expect("write");
    let (warm, cold) = warm_and_cold(dir.path(), home.path(), "json");
    assert_eq!(warm, cold);
    assert!(!warm.contains("AIG309"), "{warm}");
}

#[test]
fn a_changed_setting_is_a_cache_of_its_own() {
    let dir = app();
    let home = tempfile::tempdir().expect("tempdir");
    scan(dir.path(), home.path(), "json", &[]);
    let (warm, _) = scan(dir.path(), home.path(), "json", &["--ignore", "AIG309"]);
    let (cold, _) = scan(
        dir.path(),
        home.path(),
        "json",
        &["--ignore", "AIG309", "--no-cache"],
    );
    assert_eq!(warm, cold);
    assert!(!warm.contains("AIG309"), "{warm}");
}

#[test]
fn no_secret_is_written_to_the_cache_and_warm_output_is_masked_alike() {
    let dir = app();
    let home = tempfile::tempdir().expect("tempdir");
    let (first, _) = scan(dir.path(), home.path(), "json", &[]);
    let (warm, cold) = warm_and_cold(dir.path(), home.path(), "json");
    assert_eq!(first, warm);
    assert_eq!(warm, cold);
    assert!(warm.contains("\"AIG10"), "{warm}");
    let bytes = std::fs::read(cache_file(&dir.path().join(".aiguard_cache"))).expect("cache");
    let secret = b"Xk3v9QmZt7Lw2RbN8pYcH4sJdF6gTe1uVa5Wq0";
    assert!(!bytes.windows(secret.len()).any(|w| w == secret));
    assert!(!warm.contains("Xk3v9QmZt7Lw2RbN8pYcH4sJdF6gTe1uVa5Wq0"));
}

#[test]
fn a_cache_written_with_another_key_is_not_trusted() {
    // The same tree and settings, scanned by another user (their key): the file is theirs.
    let dir = app();
    let theirs = tempfile::tempdir().expect("tempdir");
    scan(dir.path(), theirs.path(), "json", &[]);
    let file = cache_file(&dir.path().join(".aiguard_cache"));
    let planted = std::fs::read(&file).expect("cache");
    // A run with a key of its own reads none of it: it analyses every file and writes its own.
    let home = tempfile::tempdir().expect("tempdir");
    let (warm, cold) = warm_and_cold(dir.path(), home.path(), "json");
    assert_eq!(warm, cold);
    assert!(warm.contains("AIG309"), "{warm}");
    assert_ne!(std::fs::read(&file).expect("cache"), planted);
}

#[test]
fn a_damaged_cache_file_is_ignored() {
    let dir = app();
    let home = tempfile::tempdir().expect("tempdir");
    let (first, _) = scan(dir.path(), home.path(), "json", &[]);
    let file = cache_file(&dir.path().join(".aiguard_cache"));
    let bytes = std::fs::read(&file).expect("cache");
    for damaged in [
        bytes[..bytes.len() / 2].to_vec(),
        Vec::new(),
        bytes.iter().map(|b| b ^ 0x5a).collect(),
    ] {
        std::fs::write(&file, &damaged).expect("write");
        let (warm, cold) = warm_and_cold(dir.path(), home.path(), "json");
        assert_eq!(warm, first);
        assert_eq!(cold, first);
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_cache_is_neither_read_nor_written_through() {
    let dir = app();
    let home = tempfile::tempdir().expect("tempdir");
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join(".aiguard_cache");
    std::os::unix::fs::symlink(elsewhere.path(), &cache).expect("symlink");
    let (out, err) = scan(dir.path(), home.path(), "json", &[]);
    assert!(err.contains("result cache not used"), "{err}");
    assert!(out.contains("AIG309"), "{out}");
    assert_eq!(std::fs::read_dir(elsewhere.path()).expect("dir").count(), 0);
    // A symlinked cache file: the cache is off, the link's target untouched.
    std::fs::remove_file(&cache).expect("unlink");
    scan(dir.path(), home.path(), "json", &[]);
    let file = cache_file(&cache);
    let target = elsewhere.path().join("target");
    std::fs::write(&target, "keep").expect("write");
    std::fs::remove_file(&file).expect("rm");
    std::os::unix::fs::symlink(&target, &file).expect("symlink");
    let (_, err) = scan(dir.path(), home.path(), "json", &[]);
    assert!(err.contains("is a symlink"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).expect("target"), "keep");
}

#[test]
fn no_cache_writes_nothing_and_the_walk_skips_the_cache() {
    let dir = app();
    let home = tempfile::tempdir().expect("tempdir");
    scan(dir.path(), home.path(), "json", &["--no-cache"]);
    assert!(!dir.path().join(".aiguard_cache").exists());
    assert!(!home.path().join("aiguard").exists());
    // A cache directory of another name inside the tree is not scanned either.
    let args = ["--cache-dir", "cache", "--no-ignore"];
    let (first, _) = scan(dir.path(), home.path(), "json", &args);
    let (second, _) = scan(dir.path(), home.path(), "json", &args);
    assert!(dir.path().join("cache").is_dir());
    assert_eq!(first, second);
    assert!(!second.contains("cache/"), "{second}");
}

#[cfg(unix)]
#[test]
fn the_key_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = app();
    let home = tempfile::tempdir().expect("tempdir");
    scan(dir.path(), home.path(), "json", &[]);
    let key = home.path().join("aiguard/cache-key");
    let meta = std::fs::metadata(&key).expect("key");
    assert_eq!(meta.len(), 32);
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    // A key others may read is not used (nor is the cache).
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let (out, err) = scan(dir.path(), home.path(), "json", &[]);
    assert!(err.contains("result cache not used"), "{err}");
    assert!(out.contains("AIG309"), "{out}");
}
