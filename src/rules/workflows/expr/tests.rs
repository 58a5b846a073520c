use super::*;
use crate::spec::registry::Registry;

fn settings() -> &'static WorkflowSettings {
    &Registry::builtin().workflows.settings
}

fn paths(expr: &str) -> Vec<String> {
    references(expr)
        .into_iter()
        .map(|(_, p)| p.join("."))
        .collect()
}

#[test]
fn references_skip_strings_and_function_names() {
    assert_eq!(
        paths("contains(github.event.comment.body, 'github.event.issue.body') && toJSON(github.event.commits[0].message)"),
        ["github.event.comment.body", "github.event.commits.*.message"]
    );
    assert_eq!(
        paths("github.event['issue']['title']"),
        ["github.event.issue.title"]
    );
    assert_eq!(
        paths("steps.AI.outputs.response"),
        ["steps.ai.outputs.response"]
    );
}

#[test]
fn expressions_are_found_with_their_insides() {
    let value = "a ${{ x }} b ${{y}}";
    let found: Vec<&str> = expressions(value)
        .into_iter()
        .map(|(_, i)| &value[i])
        .collect();
    assert_eq!(found, [" x ", "y"]);
}

#[test]
fn outsider_text_and_what_holds_it() {
    let s = settings();
    let entity = |e: &str| untrusted_entity(&references(e)[0].1, s);
    assert_eq!(entity("github.event.issue.body").as_deref(), Some("issue"));
    assert_eq!(entity("github.event.issue").as_deref(), Some("issue"));
    assert_eq!(entity("github.event").as_deref(), Some("*"));
    assert_eq!(entity("github.head_ref").as_deref(), Some("pull_request"));
    assert_eq!(
        entity("github.event.commits[2].message").as_deref(),
        Some("commits")
    );
    assert_eq!(entity("github.event.issue.number"), None);
    assert_eq!(entity("github.event.pull_request.head.sha"), None);
}

#[test]
fn trusted_author_conditions_guard_their_own_entity() {
    let s = settings();
    let g = |c: &str, e: &str| guarded(c, s, Some(e));
    let owner = "github.event.comment.author_association == 'OWNER'";
    assert!(covers(&g(owner, "issue_comment"), "comment"));
    assert!(!covers(&g(owner, "issue_comment"), "issue"));
    // On `issues` there is no comment: the job never runs.
    assert!(covers(&g(owner, "issues"), "issue"));
    let members = "${{ contains(fromJSON('[\"OWNER\", \"MEMBER\"]'), github.event.comment.author_association) }}";
    assert!(covers(&g(members, "issue_comment"), "comment"));
    let with_outsiders = "contains(fromJSON('[\"OWNER\", \"CONTRIBUTOR\"]'), github.event.comment.author_association)";
    assert!(!covers(&g(with_outsiders, "issue_comment"), "comment"));
    assert!(!covers(
        &g(
            "github.event.comment.author_association != 'NONE'",
            "issue_comment"
        ),
        "comment"
    ));
    let either = format!("{owner} || contains(github.event.comment.body, '@bot')");
    assert!(!covers(&g(&either, "issue_comment"), "comment"));
    let both = format!("({owner}) && contains(github.event.comment.body, '@bot')");
    assert!(covers(&g(&both, "issue_comment"), "comment"));
}

#[test]
fn event_names_and_same_repository_checks() {
    let s = settings();
    let c = "github.event_name == 'issues' || github.event.comment.author_association == 'MEMBER'";
    assert!(covers(&guarded(c, s, Some("issue_comment")), "comment"));
    assert!(!covers(&guarded(c, s, Some("issues")), "issue"));
    let same = "github.event.pull_request.head.repo.full_name == github.repository";
    assert!(covers(
        &guarded(same, s, Some("pull_request_target")),
        "pull_request"
    ));
    let not_fork = "!github.event.pull_request.head.repo.fork";
    assert!(covers(
        &guarded(not_fork, s, Some("pull_request_target")),
        "pull_request"
    ));
    assert!(covers(
        &guarded("github.actor == 'octocat'", s, None),
        "comment"
    ));
}
