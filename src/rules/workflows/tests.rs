use super::*;
use crate::source::Language;
use crate::spec::registry::Registry;

/// (line, rule) of each finding on a workflow at `path`.
fn scan_at(path: &str, text: &str) -> Vec<(usize, &'static str)> {
    let registry = Registry::builtin();
    let enabled = registry.rules.iter().map(|r| r.id).collect();
    let source = Source::new(path.to_string(), Language::Text, text.to_string());
    let mut hits = Vec::new();
    run(&source, &registry.workflows, &enabled, &mut hits);
    let mut out: Vec<(usize, &'static str)> = hits
        .iter()
        .map(|h| {
            (
                text[..h.span.start as usize].matches('\n').count() + 1,
                h.rule_id,
            )
        })
        .collect();
    out.sort();
    out
}

fn scan(text: &str) -> Vec<(usize, &'static str)> {
    scan_at(".github/workflows/agent.yml", text)
}

const COMMENT_AGENT: &str = "on: issue_comment\njobs:\n  a:\n    steps:\n      - uses: anthropics/claude-code-action@v1\n        with:\n          prompt: ${{ github.event.comment.body }}\n";

#[test]
fn only_workflow_files_are_read() {
    assert_eq!(scan(COMMENT_AGENT), [(7, "AIG901")]);
    assert!(scan_at("config/agent.yml", COMMENT_AGENT).is_empty());
    assert!(scan_at("docs/example.md", COMMENT_AGENT).is_empty());
    assert!(scan("jobs: [").is_empty());
}

#[test]
fn step_outputs_carry_event_text_to_a_later_prompt() {
    let text = "\
on: issues
jobs:
  a:
    steps:
      - id: x
        run: echo \"title=${{ github.event.issue.title }}\" >> $GITHUB_OUTPUT
      - uses: actions/ai-inference@v1
        with:
          prompt: |
            Label this.
            ${{ steps.x.outputs.title }}
";
    assert_eq!(scan(text), [(11, "AIG901")]);
}

#[test]
fn a_dispatch_job_guarding_comments_by_author_clears_its_outputs() {
    let text = "\
on:
  issues:
    types: [opened]
  issue_comment:
    types: [created]
jobs:
  dispatch:
    if: >-
      (github.event_name == 'issues') ||
      (github.event_name == 'issue_comment' && contains(fromJSON('[\"OWNER\",\"MEMBER\"]'), github.event.comment.author_association))
    outputs:
      request: ${{ steps.r.outputs.request }}
    steps:
      - id: r
        uses: actions/github-script@v7
        env:
          REQUEST: ${{ github.event.comment.body }}
        with:
          script: |
            const request = process.env.REQUEST;
            core.setOutput('request', request.trim());
  invoke:
    needs: dispatch
    steps:
      - uses: google-github-actions/run-gemini-cli@v0
        with:
          prompt: ${{ needs.dispatch.outputs.request }}
";
    assert!(scan(text).is_empty());
    let unguarded = text.replace(
        "contains(fromJSON('[\"OWNER\",\"MEMBER\"]'), github.event.comment.author_association)",
        "contains(github.event.comment.body, '@gemini')",
    );
    assert_eq!(scan(&unguarded), [(27, "AIG901")]);
}

#[test]
fn ai_output_in_a_later_run_and_through_env() {
    let text = "\
on: push
jobs:
  a:
    steps:
      - id: ai
        uses: openai/codex-action@v1
        with:
          prompt: Write a release note
      - run: echo '${{ steps.ai.outputs.final-message }}' > notes.md
      - env:
          NOTE: ${{ steps.ai.outputs.final-message }}
        run: |
          echo \"$NOTE\" > notes.md
          $NOTE
";
    assert_eq!(scan(text), [(9, "AIG903"), (14, "AIG903")]);
}
