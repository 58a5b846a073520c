use super::is_test_path;

#[test]
fn test_paths_follow_each_languages_conventions() {
    for p in [
        "tests/chat.rs",
        "crates/app/tests/it.rs",
        "pkg/test/helpers.py",
        "src/__tests__/chat.ts",
        "test_chat.py",
        "app/chat_test.py",
        "conftest.py",
        "src/chat.test.ts",
        "src/chat.spec.js",
    ] {
        assert!(is_test_path(p), "{p}");
    }
    for p in [
        "src/main.rs",
        "src/testing_utils.py",
        "app/contest.py",
        "src/latest.ts",
        "attestation/main.py",
    ] {
        assert!(!is_test_path(p), "{p}");
    }
}
