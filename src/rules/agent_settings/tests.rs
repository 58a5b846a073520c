use super::*;
use crate::source::Language;
use crate::spec::agent_settings::Registry;
use crate::spec::registry::Registry as Packs;

fn findings(path: &str, text: &str) -> Vec<(u32, &'static str, String)> {
    let source = Source::new(path.to_string(), Language::Text, text.to_string());
    let packs = Packs::builtin();
    let enabled = packs.rules.iter().map(|r| r.id).collect();
    let mut hits = Vec::new();
    let project = LazyProject::new(path, crate::source::Family::Text);
    run(
        &source,
        &project,
        &packs.agent_settings,
        &enabled,
        &mut hits,
    );
    hits.into_iter()
        .map(|h| {
            (
                source.line_col(h.span.start as usize).0,
                h.rule_id,
                h.message,
            )
        })
        .collect()
}

fn lines(path: &str, text: &str) -> Vec<(u32, &'static str)> {
    findings(path, text)
        .into_iter()
        .map(|(l, r, _)| (l, r))
        .collect()
}

#[test]
fn npm_pins_need_an_exact_version() {
    assert!(launch::pinned(Registry::Npm, "pkg@1.2.3"));
    assert!(launch::pinned(Registry::Npm, "@scope/pkg@1.2.3-beta.1"));
    assert!(!launch::pinned(Registry::Npm, "@scope/pkg"));
    assert!(!launch::pinned(Registry::Npm, "pkg@latest"));
    assert!(!launch::pinned(Registry::Npm, "pkg@^1.2.3"));
    assert!(!launch::pinned(Registry::Npm, "pkg@1"));
}

#[test]
fn pypi_and_docker_pins() {
    assert!(launch::pinned(Registry::Pypi, "mcp-server-fetch==2025.4.7"));
    assert!(launch::pinned(Registry::Pypi, "mcp-server-fetch@0.6.2"));
    assert!(!launch::pinned(Registry::Pypi, "mcp-server-fetch>=1.0.0"));
    assert!(!launch::pinned(Registry::Pypi, "mcp-server-fetch@latest"));
    assert!(launch::pinned(
        Registry::Docker,
        "ghcr.io/org/img@sha256:abc"
    ));
    assert!(launch::pinned(Registry::Docker, "mcp/github:1.2.0"));
    assert!(!launch::pinned(Registry::Docker, "mcp/github:latest"));
    assert!(!launch::pinned(
        Registry::Docker,
        "localhost:5000/mcp/github"
    ));
}

#[test]
fn the_package_is_found_past_options_and_wrappers() {
    let text = r#"{"mcpServers": {
  "a": {"command": "cmd", "args": ["/c", "npx", "-y", "server-a"]},
  "b": {"command": "uvx", "args": ["--python", "3.12", "server-b"]},
  "c": {"command": "uvx", "args": ["--from", "server-c==1.0.0", "server-c"]},
  "d": {"command": "docker", "args": ["run", "-i", "--rm", "-e", "TOKEN", "mcp/d"]},
  "e": {"command": "npx -y server-e"},
  "f": {"command": "/usr/local/bin/npx", "args": ["-p", "server-f@2.0.0", "f"]},
  "g": {"command": "node", "args": ["./server.js"]},
  "h": {"url": "https://example.com/mcp"}
}}"#;
    let found = findings("config.json", text);
    let named: Vec<(u32, String)> = found.iter().map(|(l, _, m)| (*l, m.clone())).collect();
    assert_eq!(
        named.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        vec![2, 3, 5, 6],
        "{named:?}"
    );
    assert!(named[1].1.contains("`server-b`"), "{}", named[1].1);
    assert!(named[2].1.contains("`mcp/d`"), "{}", named[2].1);
}

#[test]
fn jsonc_comments_and_trailing_commas_parse() {
    let text = "{\n  // team settings\n  \"permissions\": {\n    \"allow\": [\"Bash(npm test)\", \"Bash\",],\n  },\n}\n";
    assert_eq!(lines(".claude/settings.json", text), vec![(4, "AIG904")]);
}

#[test]
fn tool_keys_apply_only_to_the_tool_files() {
    let text = r#"{"permissions": {"defaultMode": "bypassPermissions"}}"#;
    assert_eq!(lines("repo/.claude/settings.local.json", text).len(), 1);
    assert!(lines("repo/settings.json", text).is_empty());
}

#[test]
fn codex_needs_both_no_approval_and_no_sandbox() {
    let bad =
        "model = \"o3\"\napproval_policy = \"never\"\nsandbox_mode = \"danger-full-access\"\n";
    assert_eq!(lines(".codex/config.toml", bad), vec![(2, "AIG904")]);
    let sandboxed = "approval_policy = \"never\"\nsandbox_mode = \"workspace-write\"\n";
    assert!(lines(".codex/config.toml", sandboxed).is_empty());
    let profile = "[profiles.yolo]\napproval_policy = \"never\"\nsandbox_mode = \"danger-full-access\"\n\n[mcp_servers.docs]\ncommand = \"npx\"\nargs = [\"-y\", \"docs-mcp\"]\n";
    assert_eq!(
        lines(".codex/config.toml", profile),
        vec![(2, "AIG904"), (7, "AIG905")]
    );
}

#[test]
fn package_names_drop_their_versions() {
    assert_eq!(
        launch::package_name(Registry::Npm, "@scope/pkg@latest"),
        "@scope/pkg"
    );
    assert_eq!(
        launch::package_name(Registry::Npm, "@scope/pkg"),
        "@scope/pkg"
    );
    assert_eq!(launch::package_name(Registry::Npm, "pkg@1.2"), "pkg");
    assert_eq!(launch::package_name(Registry::Pypi, "pkg[cli]>=1"), "pkg");
    assert_eq!(launch::package_name(Registry::Pypi, "pkg==1.2.3"), "pkg");
    assert_eq!(launch::package_name(Registry::Pypi, "pkg"), "pkg");
}

#[test]
fn deep_or_broken_documents_are_left_alone() {
    let deep = format!("{{\"mcpServers\": {}{}}}", "[".repeat(500), "]".repeat(500));
    assert!(lines("x.json", &deep).is_empty());
    assert!(lines("x.json", "{\"mcpServers\": {\"a\": ").is_empty());
}
