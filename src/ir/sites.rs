//! The places pattern rules look at (calls, keyed values, assignments), collected in one walk of a
//! module, and the file's imports by local name.

use super::constants::Constants;
use super::settings;
use super::{Call, Expr, ExprKind, Module, Span};
use std::collections::HashMap;

/// The places pattern rules look at, collected in one walk of the module.
#[derive(Debug, Default)]
pub struct Sites<'m> {
    pub calls: Vec<(&'m Call, Span)>,
    /// Keyword arguments and dict/object entries with a string key: (key, value, span to report).
    /// Entries of key sets (`ALLOWED = {"trust_remote_code": True}` read only by `k in ALLOWED`)
    /// set nothing and are left out.
    pub keyed: Vec<(&'m str, &'m Expr, Span)>,
    /// Assignments to a name or attribute chain, the target qualified through the imports
    /// (`litellm.ssl_verify = False`, `process.env["X"] = "0"` as `process.env.X`).
    pub assigns: Vec<(String, &'m Expr, Span)>,
    /// For each call a client was made by (by address), the calls made through that client:
    /// built once, where asking each call about each client is quadratic.
    made_by: std::cell::OnceCell<HashMap<usize, Vec<&'m Call>>>,
}

impl<'m> Sites<'m> {
    pub fn collect(module: &'m Module) -> Self {
        let mut sites = Sites::default();
        let key_sets = super::key_sets::key_set_spans(module);
        module.walk_exprs(&mut |e| match &e.kind {
            ExprKind::Call(call) => {
                sites.calls.push((&**call, e.span));
                for a in &call.args {
                    if let Some(name) = a.name.as_deref() {
                        sites.keyed.push((name, &a.value, a.span));
                    }
                }
            }
            ExprKind::Dict(entries) => {
                for (k, v) in entries {
                    if let Some((key, kspan)) = k.as_ref().and_then(|k| Some((k.as_str()?, k.span)))
                    {
                        sites.keyed.push((
                            key,
                            v,
                            Span::new(kspan.start as usize, v.span.end as usize),
                        ));
                    }
                }
            }
            _ => {}
        });
        if !key_sets.is_empty() {
            sites
                .keyed
                .retain(|(_, _, span)| !key_sets.iter().any(|set| set.contains(*span)));
        }
        let imports = Imports::new(module);
        for body in module.bodies() {
            crate::ir::walk_stmts(body, &mut |s| {
                if let crate::ir::StmtKind::Assign {
                    targets,
                    value,
                    augmented: false,
                } = &s.kind
                {
                    for t in targets {
                        if let Some(name) = assigned_name(&imports, t) {
                            let span = Span::new(t.span.start as usize, value.span.end as usize);
                            sites.assigns.push((name, value, span));
                        }
                    }
                }
            });
        }
        sites
    }

    /// The calls made through the client `client` made, in source order.
    pub(crate) fn made_through(&self, client: &Call, consts: &Constants<'_>) -> &[&'m Call] {
        let made_by = self.made_by.get_or_init(|| {
            let mut made_by: HashMap<usize, Vec<&'m Call>> = HashMap::new();
            for (c, _) in &self.calls {
                let mut clients: Vec<usize> = settings::client_calls(c, consts)
                    .map(|m| m as *const Call as usize)
                    .collect();
                clients.sort_unstable();
                clients.dedup();
                for m in clients {
                    made_by.entry(m).or_default().push(c);
                }
            }
            made_by
        });
        made_by
            .get(&(client as *const Call as usize))
            .map_or(&[], Vec::as_slice)
    }
}

/// The qualified spelling of an assignment target: a name or attribute chain, or one indexed by a
/// string (`process.env["X"]` is `process.env.X`).
fn assigned_name(imports: &Imports, target: &Expr) -> Option<String> {
    match &target.kind {
        ExprKind::Index { value, index } => {
            Some(format!("{}.{}", imports.qualify(value)?, index.as_str()?))
        }
        _ => imports.qualify(target),
    }
}

/// The file's imports by local name: one map for the many expressions of a file, where a look
/// at every import per expression is quadratic in a file with many of both.
pub struct Imports<'m>(HashMap<&'m str, &'m str>);

impl<'m> Imports<'m> {
    pub fn new(module: &'m Module) -> Self {
        // A later import of a name replaces an earlier one.
        Imports(
            module
                .imports
                .iter()
                .map(|i| (&*i.local, &*i.qualified))
                .collect(),
        )
    }

    /// A decorator's qualified name: its callee's for `@x.tool()`, else its spelling with the
    /// head followed through the imports.
    pub fn decorator(&self, d: &Expr) -> Option<String> {
        match &d.kind {
            ExprKind::Call(c) => c
                .qualified
                .as_deref()
                .map(str::to_string)
                .or_else(|| self.qualify(&c.callee)),
            _ => self.qualify(d),
        }
    }

    /// `a.b.c` with `a` replaced by what it is imported as.
    pub fn qualify(&self, e: &Expr) -> Option<String> {
        let dotted = e.dotted()?;
        let (head, rest) = match dotted.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (dotted.as_str(), None),
        };
        let base = self.0.get(head).copied().unwrap_or(head);
        Some(match rest {
            Some(r) => format!("{base}.{r}"),
            None => base.to_string(),
        })
    }
}
