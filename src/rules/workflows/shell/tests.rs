use super::*;

fn programs(script: &str) -> Vec<String> {
    read(script)
        .commands
        .iter()
        .filter_map(|c| c.program(&["npx".to_string()]).map(|(_, w)| w.text.clone()))
        .collect()
}

#[test]
fn commands_nest_and_pipe() {
    let s = read("X=$(claude -p \"a b\" | jq -r .x)\necho \"$X\" | bash\n");
    let texts: Vec<Vec<&str>> = s
        .commands
        .iter()
        .map(|c| c.words.iter().map(|w| w.text.as_str()).collect())
        .collect();
    assert_eq!(texts[0], ["claude", "-p", "a b"]);
    assert_eq!(texts[1], ["jq", "-r", ".x"]);
    assert_eq!(s.commands[1].piped_from, Some(0));
    assert_eq!(s.commands[2].assigned(), Some("X"));
    assert_eq!(texts[4], ["bash"]);
    assert_eq!(s.commands[4].piped_from, Some(3));
    let vars: Vec<&str> = s.vars.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(vars, ["X"]);
}

#[test]
fn quotes_comments_and_expressions() {
    let s = read(
        "echo '$NOT' \"$YES ${ALSO:-x}\" # $COMMENT\nnpx -y pkg ${{ github.event.issue.body }}\n",
    );
    let vars: Vec<&str> = s.vars.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(vars, ["YES", "ALSO"]);
    assert_eq!(s.commands[1].words.len(), 4);
    assert_eq!(programs("npx -y pkg\ntimeout 10 x"), ["pkg", "timeout"]);
}

#[test]
fn heredoc_bodies_are_text() {
    let s = read("cat > p.txt <<EOF\nDon't $BODY\nEOF\nclaude -p \"$(cat p.txt)\"\ncat <<'RAW'\n$LITERAL\nRAW\n");
    let vars: Vec<&str> = s.vars.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(vars, ["BODY"]);
    assert!(programs("cat <<EOF\nrm -rf /\nEOF\n")
        .iter()
        .all(|p| p == "cat"));
}

#[test]
fn continuations_and_redirections_keep_one_command() {
    let s = read("claude -p \"x\" \\\n  --yolo 2>&1 | tee out\n");
    assert_eq!(
        s.commands[0].words.last().map(|w| w.text.as_str()),
        Some("2>&1")
    );
    assert_eq!(s.commands.len(), 2);
}

#[test]
fn a_heredoc_inside_a_substitution_ends_where_it_should() {
    let s = read("claude -p \"$(cat <<EOF\nBody: $BODY\nEOF\n)\"\necho done\n");
    let vars: Vec<&str> = s.vars.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(vars, ["BODY"]);
    assert!(
        programs("claude -p \"$(cat <<EOF\nx\nEOF\n)\"\necho done\n").contains(&"echo".to_string())
    );
}
