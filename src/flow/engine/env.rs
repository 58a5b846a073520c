//! Names in scope, with a journal of what a branch wrote.
//!
//! An `if`, a loop, a `try` or a `match` needs the scope as it was before a branch and the
//! branches' results joined. Copying the whole scope for that is quadratic in a function with
//! many names and many branches; instead, while a [`Mark`] is open every write records the
//! value it replaced, so a branch's effect is read back ([`Env::delta`]) and undone
//! ([`Env::undo`]) in time proportional to what the branch wrote.

use crate::flow::trace::{join, Taint};
use std::collections::HashMap;

/// A name's taint, or what the first element of the list bound to a name carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Slot<'m> {
    Var(&'m str),
    Head(&'m str),
}

/// Only names ever assigned in this scope are present; an empty taint shadows an outer tainted
/// name.
#[derive(Debug, Default)]
pub(super) struct Env<'m> {
    vars: HashMap<&'m str, Taint>,
    /// Names bound to a list literal: what its first element carries (a command's program).
    heads: HashMap<&'m str, Taint>,
    /// While a mark is open: each slot written, with the value it had before.
    log: Vec<(Slot<'m>, Option<Taint>)>,
    open: usize,
}

/// A point in the journal to read changes from and to return to.
pub(super) struct Mark(usize);

/// What was written since a mark: each slot's value at the mark and its value now. A slot not
/// in it is as it was at the mark.
pub(super) type Delta<'m> = HashMap<Slot<'m>, (Option<Taint>, Option<Taint>)>;

impl<'m> Env<'m> {
    pub fn var(&self, name: &str) -> Option<&Taint> {
        self.vars.get(name)
    }

    pub fn head(&self, name: &str) -> Option<&Taint> {
        self.heads.get(name)
    }

    pub fn set_var(&mut self, name: &'m str, t: Taint) {
        self.write(Slot::Var(name), Some(t));
    }

    pub fn set_head(&mut self, name: &'m str, t: Taint) {
        self.write(Slot::Head(name), Some(t));
    }

    /// A shape known for `name` no longer holds.
    pub fn forget_shape(&mut self, name: &'m str) {
        if self.heads.contains_key(name) {
            self.write(Slot::Head(name), None);
        }
    }

    /// A scope holding `vars` (a closure's captured names).
    pub fn with_vars(vars: HashMap<&'m str, Taint>) -> Self {
        Env {
            vars,
            ..Env::default()
        }
    }

    pub fn into_vars(self) -> impl Iterator<Item = (&'m str, Taint)> {
        self.vars.into_iter()
    }

    fn get(&self, slot: Slot<'m>) -> Option<&Taint> {
        match slot {
            Slot::Var(n) => self.vars.get(n),
            Slot::Head(n) => self.heads.get(n),
        }
    }

    fn map(&mut self, slot: Slot<'m>) -> (&'m str, &mut HashMap<&'m str, Taint>) {
        match slot {
            Slot::Var(n) => (n, &mut self.vars),
            Slot::Head(n) => (n, &mut self.heads),
        }
    }

    fn write(&mut self, slot: Slot<'m>, value: Option<Taint>) {
        let (name, map) = self.map(slot);
        let old = match value {
            Some(v) => map.insert(name, v),
            None => map.remove(name),
        };
        if self.open > 0 {
            self.log.push((slot, old));
        }
    }

    pub fn mark(&mut self) -> Mark {
        self.open += 1;
        Mark(self.log.len())
    }

    /// What was written since `m`.
    pub fn delta(&self, m: &Mark) -> Delta<'m> {
        let mut out = Delta::new();
        for (slot, old) in &self.log[m.0..] {
            out.entry(*slot)
                .or_insert_with(|| (old.clone(), self.get(*slot).cloned()));
        }
        out
    }

    /// Back to the scope as it was at `m`; the mark stays open.
    pub fn undo(&mut self, m: &Mark) {
        while self.log.len() > m.0 {
            let Some((slot, old)) = self.log.pop() else {
                break;
            };
            let (name, map) = self.map(slot);
            match old {
                Some(v) => map.insert(name, v),
                None => map.remove(name),
            };
        }
    }

    /// Set every slot of `d` to its value there.
    pub fn apply(&mut self, d: Delta<'m>) {
        for (slot, (_, now)) in d {
            if self.get(slot) != now.as_ref() {
                self.write(slot, now);
            }
        }
    }

    /// Stop recording for `m`. An enclosing mark still needs the values its region replaced:
    /// one entry per slot, the earliest, is kept, so nested regions do not copy each other's
    /// writes over and over.
    pub fn close(&mut self, m: Mark) {
        self.open -= 1;
        if self.open == 0 {
            self.log.clear();
            return;
        }
        let mut seen = std::collections::HashSet::new();
        for (slot, old) in self.log.split_off(m.0) {
            if seen.insert(slot) {
                self.log.push((slot, old));
            }
        }
    }
}

/// `into` joined with `other`, both differences from the same mark: a name gets the labels of
/// both; a list shape known on one side only is forgotten.
pub(super) fn merge<'m>(into: &mut Delta<'m>, other: &Delta<'m>) {
    let slots: Vec<Slot<'m>> = other
        .keys()
        .chain(into.keys().filter(|s| !other.contains_key(*s)))
        .copied()
        .collect();
    for slot in slots {
        let before = into
            .get(&slot)
            .or_else(|| other.get(&slot))
            .and_then(|(b, _)| b.clone());
        let theirs = match other.get(&slot) {
            Some((_, now)) => now.clone(),
            None => before.clone(),
        };
        let entry = into
            .entry(slot)
            .or_insert_with(|| (before.clone(), before.clone()));
        entry.1 = joined(slot, entry.1.take(), theirs.as_ref());
    }
}

/// The value of `slot` in the join of a scope where it is `into` and one where it is `other`.
fn joined(slot: Slot, into: Option<Taint>, other: Option<&Taint>) -> Option<Taint> {
    match (slot, into, other) {
        (Slot::Var(_), into, None) => into,
        (Slot::Var(_), into, Some(t)) => {
            let mut v = into.unwrap_or_default();
            join(&mut v, t);
            Some(v)
        }
        (Slot::Head(_), Some(mut v), Some(t)) => {
            join(&mut v, t);
            Some(v)
        }
        (Slot::Head(_), _, _) => None,
    }
}
