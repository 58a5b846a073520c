use super::*;
use crate::ir::{Stmt, StmtKind};

fn lowered(text: &str) -> Module {
    lower(text)
}

/// The template's statements: (key or "for", the spelling of the expression, its line).
fn template(module: &Module, text: &str) -> Vec<(String, String, usize)> {
    let line = |span: Span| text[..span.start as usize].matches('\n').count() + 1;
    let spelled = |e: &Expr| text[e.span.start as usize..e.span.end as usize].to_string();
    module
        .body
        .iter()
        .filter_map(|s: &Stmt| match &s.kind {
            StmtKind::Expr(Expr {
                kind: ExprKind::Dict(entries),
                ..
            }) => {
                let (k, v) = entries.first()?;
                let key = k.as_ref()?.as_str()?.to_string();
                Some((key, spelled(v), line(v.span)))
            }
            StmtKind::Loop {
                target: Some(t),
                iter: Some(i),
                ..
            } => Some((
                "for".to_string(),
                format!("{} of {}", spelled(t), spelled(i)),
                line(i.span),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn vue_bindings_and_loops_follow_the_script_with_their_own_lines() {
    let text = "<template>\n  <div v-for=\"(m, i) in messages\" :key=\"i\">\n    <div class=\"a\" v-html=\"render(m.content)\"></div>\n    <p v-text=\"m.content\">{{ m.content }}</p>\n    <span :innerHTML='m.html'/>\n  </div>\n</template>\n<script setup lang=\"ts\">\nconst messages = load();\n</script>\n<style>\n.a { color: red }\n</style>\n";
    let module = lowered(text);
    assert!(!module.has_errors, "{:?}", module.error_line);
    // The script's statement comes first, then the template's in order.
    assert!(matches!(module.body[0].kind, StmtKind::Assign { .. }));
    assert_eq!(
        text[..module.body[0].span.start as usize]
            .matches('\n')
            .count()
            + 1,
        9
    );
    assert_eq!(
        template(&module, text),
        vec![
            ("for".into(), "m of messages".into(), 2),
            ("v-html".into(), "render(m.content)".into(), 3),
            ("innerHTML".into(), "m.html".into(), 5),
        ]
    );
}

#[test]
fn svelte_html_tags_and_each_blocks() {
    let text = "<script>\n  let chat = start();\n</script>\n\n{#each chat.messages as message, i (message.id)}\n  {@html marked(message.content)}\n  <p>{message.content}</p>\n{/each}\n{@html\n  answer\n}\n";
    let module = lowered(text);
    assert!(!module.has_errors, "{:?}", module.error_line);
    assert_eq!(
        template(&module, text),
        vec![
            ("for".into(), "message of chat.messages".into(), 5),
            ("@html".into(), "marked(message.content)".into(), 6),
            ("@html".into(), "answer".into(), 10),
        ]
    );
}

#[test]
fn look_alikes_are_not_bindings() {
    // Text that names a directive, a commented-out binding, an attribute ending in `v-html`,
    // and a script's own string are not template bindings.
    let text = "<template>\n  <p>use v-html=\"x\" with care</p>\n  <!-- <div v-html=\"old\"></div> -->\n  <div data-v-html=\"y\"></div>\n</template>\n<script>\nconst s = '<div v-html=\"z\"></div>';\n</script>\n";
    let module = lowered(text);
    assert_eq!(template(&module, text), vec![]);
}
