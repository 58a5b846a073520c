//! Where a file's tool descriptions are. Tools are found by the flow tables' tool sources
//! (`[[source]]` with `tool = true`: decorators, registering calls, base classes), so the SDKs are
//! named once, in `rules/llm-sdks.toml`; schemas are dicts and calls holding a description key
//! and a schema key (`[agent_text]`).

use crate::ir::constants::Constants;
use crate::ir::sites::Imports;
use crate::ir::{Call, Expr, ExprKind, Module, Span, StmtKind, StrPart};
use crate::source::Family;
use crate::spec::agent_text::AgentText;
use crate::spec::family::applies;
use crate::spec::flow::{Source as FlowSource, SourceMatch};
use regex::Regex;

/// A tool's description: where it is written and what it says.
#[derive(Debug, Clone)]
pub struct Description {
    pub span: Span,
    pub text: String,
}

/// The tool descriptions of a module.
pub fn in_module(
    module: &Module,
    sources: &[FlowSource],
    spec: &AgentText,
    family: Family,
) -> Vec<Description> {
    let imports = Imports::new(module);
    let consts = Constants::collect(module);
    let mut found = Found {
        keys: &spec.description_keys,
        consts: &consts,
        out: Vec::new(),
    };
    let imported = |mods: &[String]| {
        mods.is_empty()
            || module
                .imports
                .iter()
                .any(|i| mods.iter().any(|m| i.qualified.starts_with(m.as_str())))
    };
    let tools = sources
        .iter()
        .filter(|s| s.tool && applies(&s.languages, family) && imported(&s.imports));
    let calls = module.calls();
    for source in tools {
        match &source.matcher {
            SourceMatch::Decorators(globs) => {
                for f in &module.functions {
                    let tool_decorator = f.decorators.iter().find(|d| {
                        imports.decorator(d).is_some_and(|n| {
                            globs.iter().any(|g| g.matches(&n))
                                && !source.unless_decorators.iter().any(|g| g.matches(&n))
                        })
                    });
                    let Some(decorator) = tool_decorator else {
                        continue;
                    };
                    if let ExprKind::Call(call) = &decorator.kind {
                        found.in_call(call);
                    }
                    if let Some(StmtKind::Expr(doc)) = f.body.first().map(|s| &s.kind) {
                        if matches!(doc.kind, ExprKind::Str(_)) {
                            found.push(doc);
                        }
                    }
                }
            }
            SourceMatch::Callbacks { calls: globs, .. } => {
                for (call, _) in &calls {
                    let named = call.qualified.as_deref();
                    if named.is_some_and(|q| globs.iter().any(|g| g.matches(q))) {
                        found.in_call(call);
                    }
                }
            }
            SourceMatch::Bases { bases, .. } => {
                for class in &module.classes {
                    let tool_class = class.bases.iter().any(|b| {
                        imports
                            .qualify(b)
                            .is_some_and(|n| bases.iter().any(|g| g.matches(&n)))
                    });
                    if tool_class {
                        found.in_class_body(class);
                    }
                }
            }
            _ => {}
        }
    }
    module.walk_exprs(&mut |e| found.in_schema(e, &spec.schema_keys));
    let mut out = found.out;
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out.dedup_by_key(|d| d.span);
    out
}

/// The descriptions of a JSON file of tool schemas: each description key's string, when the
/// file has a schema key.
pub fn in_json(text: &str, spec: &AgentText) -> Vec<Description> {
    let key = |keys: &[String]| {
        let names: Vec<String> = keys.iter().map(|k| regex::escape(k)).collect();
        format!("\"(?:{})\"\\s*:", names.join("|"))
    };
    if spec.description_keys.is_empty() || spec.schema_keys.is_empty() {
        return Vec::new();
    }
    let has_schema = Regex::new(&key(&spec.schema_keys)).is_ok_and(|r| r.is_match(text));
    if !has_schema {
        return Vec::new();
    }
    let Ok(value) = Regex::new(&format!(
        r#"{}\s*("(?:[^"\\]|\\.)*")"#,
        key(&spec.description_keys)
    )) else {
        return Vec::new();
    };
    value
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(1)?;
            let decoded: String = serde_json::from_str(m.as_str()).ok()?;
            Some(Description {
                span: Span::new(m.start(), m.end()),
                text: decoded,
            })
        })
        .collect()
}

struct Found<'a, 'm> {
    keys: &'a [String],
    consts: &'a Constants<'m>,
    out: Vec<Description>,
}

impl Found<'_, '_> {
    /// A string, or a name bound to one, or an f-string or template literal (its literal parts).
    fn push(&mut self, e: &Expr) {
        let e = match &e.kind {
            ExprKind::Name(n) => match self.consts.binding(n) {
                Some(bound) => bound,
                None => return,
            },
            _ => e,
        };
        let text = match &e.kind {
            ExprKind::Str(s) => s.to_string(),
            ExprKind::StringBuild(parts) => parts
                .iter()
                .filter_map(|p| match p {
                    StrPart::Lit(s) => Some(&**s),
                    StrPart::Expr(_) => None,
                })
                .collect(),
            _ => return,
        };
        if !text.trim().is_empty() {
            self.out.push(Description { span: e.span, text });
        }
    }

    fn is_key(&self, name: &str) -> bool {
        self.keys.iter().any(|k| k == name)
    }

    /// A tool-declaring call: its description keywords (or keys of an options object) and its
    /// positional strings after the first (`server.tool(name, description, ...)`).
    fn in_call(&mut self, call: &Call) {
        for key in self.keys {
            if let Some(v) = call.keyword(key) {
                self.push(v);
            }
        }
        let positional = call.args.iter().filter(|a| a.name.is_none());
        for a in positional.skip(1) {
            if matches!(a.value.kind, ExprKind::Str(_)) {
                self.push(&a.value);
            }
        }
    }

    /// A tool class's `description = "..."` and `description: str = "..."`.
    fn in_class_body(&mut self, class: &crate::ir::Class) {
        for s in &class.body {
            if let StmtKind::Assign { targets, value, .. } = &s.kind {
                let named = targets.iter().any(|t| match &t.kind {
                    ExprKind::Name(n) => self.is_key(n),
                    _ => false,
                });
                if named {
                    self.push(value);
                }
            }
        }
        for field in &class.fields {
            if let Some(d) = field.default.as_ref().filter(|_| self.is_key(&field.name)) {
                self.push(d);
            }
        }
    }

    /// A dict (or a call's keywords) with a description and a schema key: a tool schema. Its
    /// description, and the descriptions of the parameters in its schema, are read.
    fn in_schema(&mut self, e: &Expr, schema_keys: &[String]) {
        let entries: Vec<(&str, &Expr)> = match &e.kind {
            ExprKind::Dict(entries) => entries
                .iter()
                .filter_map(|(k, v)| Some((k.as_ref()?.as_str()?, v)))
                .collect(),
            ExprKind::Call(call) => call
                .args
                .iter()
                .filter_map(|a| Some((a.name.as_deref()?, &a.value)))
                .collect(),
            _ => return,
        };
        let schema_of = |k: &str| schema_keys.iter().any(|s| s == k);
        if !entries.iter().any(|(k, _)| schema_of(k))
            || !entries.iter().any(|(k, _)| self.is_key(k))
        {
            return;
        }
        for (k, v) in &entries {
            if self.is_key(k) {
                self.push(v);
            } else if schema_of(k) {
                v.walk(&mut |inner| {
                    if let ExprKind::Dict(entries) = &inner.kind {
                        for (k, v) in entries {
                            if k.as_ref()
                                .and_then(|k| k.as_str())
                                .is_some_and(|k| self.is_key(k))
                            {
                                self.push(v);
                            }
                        }
                    }
                });
            }
        }
    }
}
