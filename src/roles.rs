//! File roles: whether a file is the application or a test, benchmark, example, docs page or
//! developer script, by the `[[file_role]]` tables of the packs (`rules/file-roles.toml`). The
//! scan leaves the findings of non-production code out of the report unless asked to show them.

use crate::finding::FileRole;
use crate::ir::{Expr, ExprKind, Module, Span, StmtKind};
use crate::source::Source;
use crate::spec::roles::{FileRoles, MainGuard, RoleRule};

/// The role of a file. `path` is the file's path below the directory the scan started on (see
/// `rules/file-roles.toml`), `/`- or `\`-separated.
pub fn classify(path: &str, source: &Source, module: &Module, roles: &FileRoles) -> FileRole {
    let file = FileFacts::new(path, source, module, roles.main_guard.as_ref());
    roles
        .rules
        .iter()
        .find(|r| file.matches(r))
        .map_or(FileRole::Production, |r| r.role)
}

/// The role of the code at `span` in a file of role `file_role`: test-only spans of a
/// production file (Rust `#[cfg(test)]` modules, `#[test]` functions) are test code.
pub fn role_at(file_role: FileRole, module: &Module, span: Span) -> FileRole {
    let in_test = module
        .test_spans
        .iter()
        .any(|t| t.start <= span.start && span.end <= t.end);
    if file_role == FileRole::Production && in_test {
        FileRole::Test
    } else {
        file_role
    }
}

/// What the tables ask of one file, read once.
struct FileFacts<'a> {
    dirs: Vec<&'a str>,
    name: &'a str,
    source: &'a Source,
    module: &'a Module,
    guard: Option<&'a MainGuard>,
}

impl<'a> FileFacts<'a> {
    fn new(
        path: &'a str,
        source: &'a Source,
        module: &'a Module,
        guard: Option<&'a MainGuard>,
    ) -> Self {
        let mut dirs: Vec<&str> = path
            .split(['/', '\\'])
            .filter(|p| !p.is_empty() && *p != "." && *p != "..")
            .collect();
        let name = dirs.pop().unwrap_or_default();
        FileFacts {
            dirs,
            name,
            source,
            module,
            guard,
        }
    }

    fn matches(&self, r: &RoleRule) -> bool {
        let family = self.source.language.family();
        (r.families.is_empty() || r.families.contains(&family))
            && r.dirs
                .as_ref()
                .is_none_or(|g| self.dirs.iter().any(|d| g.is_match(d)))
            && r.root_dirs
                .as_ref()
                .is_none_or(|g| self.dirs.first().is_some_and(|d| g.is_match(d)))
            && r.files.as_ref().is_none_or(|g| g.is_match(self.name))
            && (r.imports.is_empty() || self.imports_any(&r.imports))
            && r.functions.as_ref().is_none_or(|g| {
                self.module
                    .functions
                    .iter()
                    .any(|f| !f.name.is_empty() && g.is_match(&*f.name))
            })
            && (r.calls.is_empty() || self.calls_at_top_level(&r.calls))
            && (!r.entry_point || self.is_program())
    }

    /// `import pytest`, `from unittest import mock`, `import { vi } from "vitest"`.
    fn imports_any(&self, modules: &[String]) -> bool {
        self.module.imports.iter().any(|i| {
            modules.iter().any(|m| {
                i.qualified
                    .strip_prefix(m.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            })
        })
    }

    /// A top-level statement calls one of `names` (`describe("chat", ...)`, `test.each(...)`).
    fn calls_at_top_level(&self, names: &[String]) -> bool {
        self.module.body.iter().any(|s| {
            let StmtKind::Expr(e) = &s.kind else {
                return false;
            };
            let called = match &e.kind {
                ExprKind::Await(inner) => inner,
                _ => e,
            };
            let ExprKind::Call(call) = &called.kind else {
                return false;
            };
            root_name(&call.callee).is_some_and(|n| names.iter().any(|x| x == n))
        })
    }

    /// A shebang line, or a top-level `if __name__ == "__main__":` (the pack's guard).
    fn is_program(&self) -> bool {
        if self.source.text.starts_with("#!") {
            return true;
        }
        let Some(guard) = self.guard else {
            return false;
        };
        self.module.body.iter().any(|s| {
            let StmtKind::If { test, .. } = &s.kind else {
                return false;
            };
            let ExprKind::Compare { op, left, right } = &test.kind else {
                return false;
            };
            let is_name = |e: &Expr| matches!(&e.kind, ExprKind::Name(n) if **n == *guard.name);
            let is_value = |e: &Expr| matches!(&e.kind, ExprKind::Str(v) if **v == *guard.value);
            op.starts_with("==")
                && ((is_name(left) && is_value(right)) || (is_value(left) && is_name(right)))
        })
    }
}

/// The name a callee starts from: `describe` of `describe.each([...])`.
fn root_name(callee: &Expr) -> Option<&str> {
    match &callee.kind {
        ExprKind::Name(n) => Some(n),
        ExprKind::Attribute { value, .. } => root_name(value),
        ExprKind::Call(call) => root_name(&call.callee),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
