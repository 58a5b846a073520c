use super::*;
use crate::spec::registry::Registry;

fn cli(name: &str) -> &'static AgentCli {
    Registry::builtin().workflows.cli(name).expect("cli")
}

fn found(args: &str, name: &str) -> Vec<String> {
    let words = args_words(args);
    let args: Vec<Arg> = words.iter().map(|(r, w)| (r.clone(), w.as_str())).collect();
    unrestricted_args(&args, cli(name))
        .into_iter()
        .map(|(_, w)| w)
        .collect()
}

#[test]
fn switches_and_pairs() {
    assert_eq!(
        found("--max-turns 3 --dangerously-skip-permissions", "claude"),
        ["--dangerously-skip-permissions"]
    );
    assert_eq!(
        found("--permission-mode bypassPermissions", "claude"),
        ["--permission-mode bypassPermissions"]
    );
    assert_eq!(
        found("--permission-mode=bypassPermissions", "claude"),
        ["--permission-mode bypassPermissions"]
    );
    assert!(found("--permission-mode acceptEdits", "claude").is_empty());
    assert_eq!(
        found("--sandbox danger-full-access", "codex"),
        ["--sandbox danger-full-access"]
    );
}

#[test]
fn tool_lists() {
    assert_eq!(found("--allowedTools \"Read,Bash\"", "claude"), ["Bash"]);
    assert_eq!(found("--allowedTools=Bash(*)", "claude"), ["Bash(*)"]);
    assert_eq!(
        found("--allowedTools Read Bash --model x", "claude"),
        ["Bash"]
    );
    assert!(found(
        "--allowedTools \"Bash(git log:*),Read\" --model Bash",
        "claude"
    )
    .is_empty());
}

#[test]
fn tool_names_split_outside_parentheses() {
    let names: Vec<&str> = tool_names("[\"Read\", \"Bash(gh issue view:*)\"]")
        .map(|(_, t)| t)
        .collect();
    assert_eq!(names, ["Read", "Bash(gh issue view:*)"]);
}

#[test]
fn a_json_list_of_arguments() {
    assert_eq!(
        found(
            "[\"--dangerously-bypass-approvals-and-sandbox\", \"-m\", \"o3\"]",
            "codex"
        ),
        ["--dangerously-bypass-approvals-and-sandbox"]
    );
}
