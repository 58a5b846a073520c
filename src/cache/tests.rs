use super::*;

fn open(dir: &Path, key_dir: &Path, salt: &str) -> Cache {
    Cache::open(dir, key_dir, salt.as_bytes()).expect("cache")
}

/// A cache in `dir` holding one record, `b"result"` under the key of `b"file"`.
fn saved(dir: &Path, key_dir: &Path) -> Key {
    let cache = open(dir, key_dir, "salt");
    let key = cache.key(&[b"file"]);
    cache.put(key, b"result".to_vec());
    cache.save().expect("save");
    key
}

#[test]
fn a_record_is_read_back_under_the_same_key_and_salt_only() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (dir, keys) = (tmp.path().join("c"), tmp.path().join("k"));
    let key = saved(&dir, &keys);
    assert_eq!(open(&dir, &keys, "salt").get(&key), Some(&b"result"[..]));
    assert_eq!(open(&dir, &keys, "other salt").get(&key), None);
    // Parts are length-prefixed: no two splits of the same bytes share a key.
    let cache = open(&dir, &keys, "salt");
    assert_ne!(cache.key(&[b"ab", b"c"]), cache.key(&[b"a", b"bc"]));
}

#[test]
fn a_file_written_with_another_key_is_not_trusted() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("c");
    let key = saved(&dir, &tmp.path().join("mine"));
    assert_eq!(
        open(&dir, &tmp.path().join("theirs"), "salt").get(&key),
        None
    );
}

#[test]
fn a_damaged_file_is_an_empty_cache() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (dir, keys) = (tmp.path().join("c"), tmp.path().join("k"));
    let key = saved(&dir, &keys);
    let file = open(&dir, &keys, "salt").file;
    let bytes = std::fs::read(&file).expect("read");
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    for damaged in [&bytes[..bytes.len() - 1], &bytes[..10], &flipped[..], b""] {
        std::fs::write(&file, damaged).expect("write");
        assert_eq!(open(&dir, &keys, "salt").get(&key), None);
    }
}

#[test]
fn a_saved_file_keeps_only_the_records_the_run_used() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (dir, keys) = (tmp.path().join("c"), tmp.path().join("k"));
    let old = saved(&dir, &keys);
    let cache = open(&dir, &keys, "salt");
    let new = cache.key(&[b"new file"]);
    cache.put(new, b"new".to_vec());
    cache.save().expect("save");
    let cache = open(&dir, &keys, "salt");
    assert_eq!(cache.get(&old), None);
    assert_eq!(cache.get(&new), Some(&b"new"[..]));
}

#[test]
fn the_directory_is_tagged_and_ignored() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("c");
    open(&dir, &tmp.path().join("k"), "salt");
    assert_eq!(
        std::fs::read_to_string(dir.join(".gitignore")).expect("gitignore"),
        "# Made by aiguard.\n*\n"
    );
    let tag = std::fs::read_to_string(dir.join("CACHEDIR.TAG")).expect("tag");
    assert!(tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
}

#[cfg(unix)]
#[test]
fn symlinks_turn_the_cache_off() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (target, keys) = (tmp.path().join("target"), tmp.path().join("k"));
    std::fs::create_dir(&target).expect("mkdir");
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    assert!(Cache::open(&link, &keys, b"salt").is_err());
    assert_eq!(std::fs::read_dir(&target).expect("dir").count(), 0);
    // A key file that is a symlink is not read: a new key cannot be linked in its place either.
    let other_keys = tmp.path().join("k2");
    std::fs::create_dir(&other_keys).expect("mkdir");
    std::fs::write(tmp.path().join("stolen"), [7u8; 32]).expect("write");
    std::os::unix::fs::symlink(tmp.path().join("stolen"), other_keys.join(KEY_FILE))
        .expect("symlink");
    assert!(Cache::open(&tmp.path().join("c"), &other_keys, b"salt").is_err());
}

#[cfg(unix)]
#[test]
fn the_key_is_made_once_and_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let keys = tmp.path().join("k");
    let first = load_or_create_key(&keys).expect("key");
    assert_eq!(load_or_create_key(&keys).expect("key"), first);
    let meta = std::fs::metadata(keys.join(KEY_FILE)).expect("key file");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::metadata(&keys).expect("dir").permissions().mode() & 0o777,
        0o700
    );
}
