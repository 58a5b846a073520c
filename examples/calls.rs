//! For pack authors: prints the qualified name `resolve` gives every call in a file, so `calls`
//! globs in `rules/*.toml` can be written against what the engine really sees.
//!
//! Usage: `cargo run --example calls -- FILE...` — prints `line:col  qualified-name` per call.

use aiguard::ir::ExprKind;
use aiguard::source::{Language, Source};

fn main() {
    for path in std::env::args().skip(1) {
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("{path}: unreadable");
            continue;
        };
        let language = Language::from_path(std::path::Path::new(&path));
        let mut source = Source::new(path.clone(), language, aiguard::source::decode(&bytes));
        if language == Language::Notebook {
            match aiguard::lang::notebook::extract(&source.text) {
                Ok(nb) => {
                    source = Source::new(path.clone(), language, nb.code.clone());
                    source.notebook = Some(nb);
                }
                Err(e) => eprintln!("{path}: {e}"),
            }
        }
        let mut module = aiguard::lang::parse(&source);
        aiguard::resolve::resolve(&mut module);
        let mut calls = Vec::new();
        module.walk_exprs(&mut |e| {
            if let ExprKind::Call(c) = &e.kind {
                let (line, col) = source.line_col(e.span.start as usize);
                calls.push((line, col, c.qualified.as_deref().unwrap_or("?").to_string()));
            }
        });
        calls.sort();
        println!("{path}");
        for (line, col, q) in calls {
            println!("  {line}:{col}  {q}");
        }
    }
}
