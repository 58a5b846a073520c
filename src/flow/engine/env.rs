//! Names in scope, with a journal of what a branch wrote.
//!
//! An `if`, a loop, a `try` or a `match` needs the scope as it was before a branch and the
//! branches' results joined. Copying the whole scope for that is quadratic in a function with
//! many names and many branches; instead, while a [`Mark`] is open every write records the
//! value it replaced, so a branch's effect is read back ([`Env::delta`]) and undone
//! ([`Env::undo`]) in time proportional to what the branch wrote.

use super::shape::Shape;
use crate::flow::trace::{join, Taint};
use foldhash::{HashMap, HashMapExt};
use std::rc::Rc;

/// A name's taint, or what the first element of the list bound to a name carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Slot<'m> {
    Var(&'m str),
    Head(&'m str),
}

/// What a slot holds: the whole value's taint and, for a name, what each of its parts carries
/// when that is known (see `shape`). Any write of the taint alone forgets the shape.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Binding {
    pub taint: Taint,
    pub shape: Option<Rc<Shape>>,
}

impl From<Taint> for Binding {
    fn from(taint: Taint) -> Self {
        Binding { taint, shape: None }
    }
}

/// Only names ever assigned in this scope are present; an empty taint shadows an outer tainted
/// name.
#[derive(Debug, Default)]
pub(super) struct Env<'m> {
    vars: HashMap<&'m str, Binding>,
    /// Names bound to a list literal: what its first element carries (a command's program).
    heads: HashMap<&'m str, Binding>,
    /// While a mark is open: each slot written, with the value it had before.
    log: Vec<(Slot<'m>, Option<Binding>)>,
    open: usize,
}

/// A point in the journal to read changes from and to return to.
pub(super) struct Mark(usize);

/// What was written since a mark: each slot's value at the mark and its value now. A slot not
/// in it is as it was at the mark.
pub(super) type Delta<'m> = HashMap<Slot<'m>, (Option<Binding>, Option<Binding>)>;

impl<'m> Env<'m> {
    pub fn var(&self, name: &str) -> Option<&Taint> {
        self.vars.get(name).map(|b| &b.taint)
    }

    /// What each part of the value bound to `name` carries, when known.
    pub fn shape(&self, name: &str) -> Option<&Rc<Shape>> {
        self.vars.get(name)?.shape.as_ref()
    }

    pub fn head(&self, name: &str) -> Option<&Taint> {
        self.heads.get(name).map(|b| &b.taint)
    }

    pub fn set_var(&mut self, name: &'m str, t: Taint) {
        self.write(Slot::Var(name), Some(t.into()));
    }

    /// Bind `name` to a value of taint `t` whose parts carry what `shape` says.
    pub fn set_shaped(&mut self, name: &'m str, t: Taint, shape: Option<Rc<Shape>>) {
        self.write(Slot::Var(name), Some(Binding { taint: t, shape }));
    }

    pub fn set_head(&mut self, name: &'m str, t: Taint) {
        self.write(Slot::Head(name), Some(t.into()));
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
            vars: vars.into_iter().map(|(n, t)| (n, t.into())).collect(),
            ..Env::default()
        }
    }

    pub fn into_vars(self) -> impl Iterator<Item = (&'m str, Taint)> {
        self.vars.into_iter().map(|(n, b)| (n, b.taint))
    }

    fn get(&self, slot: Slot<'m>) -> Option<&Binding> {
        match slot {
            Slot::Var(n) => self.vars.get(n),
            Slot::Head(n) => self.heads.get(n),
        }
    }

    fn map(&mut self, slot: Slot<'m>) -> (&'m str, &mut HashMap<&'m str, Binding>) {
        match slot {
            Slot::Var(n) => (n, &mut self.vars),
            Slot::Head(n) => (n, &mut self.heads),
        }
    }

    fn write(&mut self, slot: Slot<'m>, value: Option<Binding>) {
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
        let mut seen = foldhash::HashSet::default();
        for (slot, old) in self.log.split_off(m.0) {
            if seen.insert(slot) {
                self.log.push((slot, old));
            }
        }
    }
}

/// `into` joined with `other`, both differences from the same mark: a name gets the labels of
/// both (and its parts those of both, when both sides know them); a list shape known on one side
/// only is forgotten.
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
fn joined(slot: Slot, into: Option<Binding>, other: Option<&Binding>) -> Option<Binding> {
    match (slot, into, other) {
        (Slot::Var(_), into, None) => into,
        (Slot::Var(_), into, Some(b)) => {
            let mut v = into.unwrap_or_default();
            join(&mut v.taint, &b.taint);
            v.shape = match (v.shape, &b.shape) {
                (Some(mine), Some(theirs)) => Some(Rc::new(mine.joined(theirs))),
                _ => None,
            };
            Some(v)
        }
        (Slot::Head(_), Some(mut v), Some(b)) => {
            join(&mut v.taint, &b.taint);
            Some(v)
        }
        (Slot::Head(_), _, _) => None,
    }
}
