//! Shapes: what each element of a tuple, each entry of a dict and each field of an object
//! carries, so that reading one part does not give what its siblings carry (`text, usage, ids =
//! ask(q)`: `ids` is not the model's text; `r = {"answer": out, "id": 3}`: `r["id"]` is clean).
//!
//! A value's taint stays the join of all its parts: a sink of the whole value sees everything.
//! A shape only refines reads of one named part (`t[2]`, `d["k"]`, `o.f`, `a, b = t`,
//! `const {id} = r`). It is bounded: at most [`MAX_PARTS`] parts per value, nested at most
//! [`MAX_DEPTH`] deep. Where the bound is passed or a part cannot be named (`t[i]`, `**d`, a
//! spread, a write through an unknown key), the value has no shape and every read gets the
//! whole value's taint, as it would without shapes.

use super::*;
use crate::flow::link::Step;
use std::rc::Rc;

/// Parts kept per value; a value with more has no shape.
pub(super) const MAX_PARTS: usize = 8;
/// Levels of nesting kept (`d["a"][0]` is two).
pub(super) const MAX_DEPTH: usize = 2;

/// A part's name: a position (`t[0]`, `a, b = t`) or a key or field (`d["k"]`, `o.k`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Key {
    Pos(u8),
    Name(Rc<str>),
}

/// A part named in the code being read, without copying the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyRef<'k> {
    Pos(u8),
    Name(&'k str),
}

impl Key {
    /// Whether this is the part `k` names.
    pub(super) fn is(&self, k: KeyRef) -> bool {
        match (self, k) {
            (Key::Pos(a), KeyRef::Pos(b)) => *a == b,
            (Key::Name(a), KeyRef::Name(b)) => **a == *b,
            _ => false,
        }
    }

    fn as_ref(&self) -> KeyRef<'_> {
        match self {
            Key::Pos(p) => KeyRef::Pos(*p),
            Key::Name(n) => KeyRef::Name(n),
        }
    }
}

impl KeyRef<'_> {
    pub(super) fn owned(self) -> Key {
        match self {
            KeyRef::Pos(p) => Key::Pos(p),
            KeyRef::Name(n) => Key::Name(n.into()),
        }
    }

    /// The part an index or a field names: `t[2]`, `d["k"]` (`None`: `t[i]`, `t[-1]`, slices).
    pub(super) fn of_index(index: &Expr) -> Option<KeyRef<'_>> {
        match &index.kind {
            ExprKind::Str(s) => Some(KeyRef::Name(s)),
            ExprKind::Number(n) => n.parse::<u8>().ok().map(KeyRef::Pos),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Part {
    pub key: Key,
    pub taint: Taint,
    pub shape: Option<Rc<Shape>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Shape {
    pub parts: Vec<Part>,
    /// What a part not in `parts` carries.
    pub rest: Taint,
}

impl Shape {
    /// A value with nothing known of its parts but that they carry `rest`.
    pub fn opaque(rest: Taint) -> Shape {
        Shape {
            parts: Vec::new(),
            rest,
        }
    }

    /// What part `k` carries, and its shape when known.
    pub fn get(&self, k: KeyRef) -> (&Taint, Option<&Rc<Shape>>) {
        match self.parts.iter().find(|p| p.key.is(k)) {
            Some(p) => (&p.taint, p.shape.as_ref()),
            None => (&self.rest, None),
        }
    }

    /// Part `k` now carries `taint` (a strong update: `o.f = x`). `false` when the value would
    /// have too many parts or too deep: then it has no shape.
    pub fn set(&mut self, k: Key, taint: Taint, shape: Option<Rc<Shape>>) -> bool {
        let shape = shape.map(|s| match s.depth() < MAX_DEPTH {
            true => s,
            false => Rc::new(s.truncated(MAX_DEPTH - 1)),
        });
        if let Some(p) = self.parts.iter_mut().find(|p| p.key == k) {
            p.taint = taint;
            p.shape = shape;
            return true;
        }
        if self.parts.len() >= MAX_PARTS {
            return false;
        }
        self.parts.push(Part {
            key: k,
            taint,
            shape,
        });
        true
    }

    /// This shape kept `levels` deep: the parts below are read whole.
    fn truncated(&self, levels: usize) -> Shape {
        let parts = self.parts.iter().map(|p| Part {
            key: p.key.clone(),
            taint: p.taint.clone(),
            shape: match levels > 1 {
                true => p.shape.as_ref().map(|s| Rc::new(s.truncated(levels - 1))),
                false => None,
            },
        });
        Shape {
            parts: parts.collect(),
            rest: self.rest.clone(),
        }
    }

    pub fn depth(&self) -> usize {
        1 + self
            .parts
            .iter()
            .filter_map(|p| p.shape.as_ref().map(|s| s.depth()))
            .max()
            .unwrap_or(0)
    }

    /// The shape of a value that is this one or `other`: each part carries what it carries in
    /// either (a part named on one side only carries the other side's `rest` there).
    pub fn joined(&self, other: &Shape) -> Shape {
        let mut out = Shape::opaque(self.rest.clone());
        join(&mut out.rest, &other.rest);
        let keys = self
            .parts
            .iter()
            .chain(
                other
                    .parts
                    .iter()
                    .filter(|p| !self.parts.iter().any(|q| q.key == p.key)),
            )
            .map(|p| &p.key);
        for k in keys.take(MAX_PARTS) {
            let (mine, my_shape) = self.get(k.as_ref());
            let (theirs, their_shape) = other.get(k.as_ref());
            let mut t = mine.clone();
            join(&mut t, theirs);
            let shape = match (my_shape, their_shape) {
                (Some(a), Some(b)) => Some(Rc::new(a.joined(b))),
                _ => None,
            };
            out.parts.push(Part {
                key: k.clone(),
                taint: t,
                shape,
            });
        }
        out
    }

    /// The same shape with each taint rewritten by `f` (a callee's parameters replaced by the
    /// arguments, a step added to each path).
    pub fn map(&self, f: &mut dyn FnMut(&Taint) -> Taint) -> Shape {
        Shape {
            parts: self
                .parts
                .iter()
                .map(|p| Part {
                    key: p.key.clone(),
                    taint: f(&p.taint),
                    shape: p.shape.as_ref().map(|s| Rc::new(s.map(f))),
                })
                .collect(),
            rest: f(&self.rest),
        }
    }

    /// This shape for a value of taint `whole`: a kind of the whole value that no part accounts
    /// for (what the value's own name says) may be in any part.
    fn covering(self: Rc<Shape>, whole: &[Label]) -> Rc<Shape> {
        let explained = |l: &Label| {
            let same = |x: &Label| x.kind == l.kind;
            self.rest.iter().any(same) || self.parts.iter().any(|p| p.taint.iter().any(same))
        };
        let missing: Taint = whole.iter().filter(|l| !explained(l)).copied().collect();
        if missing.is_empty() {
            return self;
        }
        let mut s = (*self).clone();
        join(&mut s.rest, &missing);
        for p in &mut s.parts {
            join(&mut p.taint, &missing);
        }
        Rc::new(s)
    }

    /// The parts carrying a label that `wanted` accepts, as paths for another file; `None` when
    /// a part that cannot be named does (the whole value carries it).
    pub fn paths_of(&self, wanted: &dyn Fn(&Label) -> bool) -> Option<Vec<Vec<Step>>> {
        if self.rest.iter().any(wanted) {
            return None;
        }
        let mut out = Vec::new();
        for p in &self.parts {
            if !p.taint.iter().any(wanted) {
                continue;
            }
            let step = match &p.key {
                Key::Pos(i) => Step::Position(*i),
                Key::Name(n) => Step::Key(n.to_string()),
            };
            match p.shape.as_ref().map(|s| s.paths_of(wanted)) {
                Some(Some(inner)) => {
                    out.extend(inner.into_iter().map(|mut path| {
                        path.insert(0, step.clone());
                        path
                    }));
                }
                _ => out.push(vec![step]),
            }
        }
        Some(out)
    }

    /// A value whose parts at `paths` carry `t` and whose other parts carry nothing (another
    /// file's function returning the model's text as the first element of a tuple).
    pub fn at_paths(paths: &[Vec<Step>], t: &[Label]) -> Option<Shape> {
        let mut out = Shape::default();
        for path in paths {
            if !out.put(path, t) {
                return None;
            }
        }
        Some(out)
    }

    pub fn put(&mut self, path: &[Step], t: &[Label]) -> bool {
        let Some((first, inner)) = path.split_first() else {
            return false;
        };
        let key = match first {
            Step::Position(i) => Key::Pos(*i),
            Step::Key(k) => Key::Name(k.as_str().into()),
        };
        let (old, old_shape) = self.get(key.as_ref());
        let mut taint = old.clone();
        join(&mut taint, t);
        let shape = match inner.is_empty() {
            true => None,
            false => {
                let mut s = old_shape.map_or_else(Shape::default, |s| (**s).clone());
                if !s.put(inner, t) {
                    return false;
                }
                Some(Rc::new(s))
            }
        };
        path.len() <= MAX_DEPTH && self.set(key, taint, shape)
    }
}

impl<'a, 'm> Engine<'a, 'm> {
    /// Evaluate `e`, with the shape of its value when one is known.
    pub(super) fn expr_shaped(
        &mut self,
        e: &'m Expr,
        cx: &mut Ctx<'m>,
    ) -> (Taint, Option<Rc<Shape>>) {
        let outer = self.want_shape.replace(e.span);
        self.shape = None;
        let t = self.expr(e, cx);
        self.want_shape = outer;
        let shape = self.shape.take().filter(|(s, _)| *s == e.span);
        let shape = shape.map(|(_, s)| s.covering(&t));
        (t, shape)
    }

    /// Whether the expression being evaluated at `span` is one whose shape is asked for.
    pub(super) fn shape_wanted(&self, span: Span) -> bool {
        self.want_shape == Some(span)
    }

    /// Give the value at `span` this shape (when it was asked for).
    pub(super) fn give_shape(&mut self, span: Span, shape: Option<Rc<Shape>>) {
        if let (true, Some(s)) = (self.shape_wanted(span), shape) {
            self.shape = Some((span, s));
        }
    }

    /// The shape of the value a name, a field of the class, or a named part of one, is bound to
    /// (`r`, `self.r`, `r["a"]`).
    pub(super) fn shape_at(&self, e: &Expr, cx: &Ctx<'m>) -> Option<Rc<Shape>> {
        match &e.kind {
            ExprKind::Name(n) if cx.receiver != Some(&**n) => self.shape_of_name(n, cx),
            ExprKind::Attribute { value, attr } if is_receiver(value, cx) => {
                let ci = cx.class?;
                self.field_shapes.get(&(ci, &**attr))?.shape().cloned()
            }
            _ => {
                let (value, key) = named_part(e)?;
                self.shape_at(value, cx)?.get(key).1.cloned()
            }
        }
    }

    /// What a named part of a value carries (`t[2]`, `d["id"]`, `o.f`), when its shape says.
    pub(super) fn part_taint(&self, e: &Expr, cx: &Ctx<'m>) -> Option<Taint> {
        let (value, key) = named_part(e)?;
        Some(self.shape_at(value, cx)?.get(key).0.clone())
    }

    /// The shape of a tuple, list or dict literal from its parts' taints and shapes: `None` when
    /// a part carrying data cannot be named (a spread, a computed key) or there are too many.
    /// A part carrying nothing is left out, as the parts the literal does not name are: an
    /// options object of twenty fields with one tainted keeps a shape.
    pub(super) fn literal_shape(
        parts: Vec<(Option<KeyRef>, Taint, Option<Rc<Shape>>)>,
    ) -> Option<Rc<Shape>> {
        let mut s = Shape::default();
        for (k, t, inner) in parts {
            if t.is_empty() {
                continue;
            }
            if !s.set(k?.owned(), t, inner) {
                return None;
            }
        }
        Some(Rc::new(s))
    }

    /// `o.f = t`, `d["k"] = t` on a name: its part now carries `t`, the whole value `t` too. A
    /// name without a shape gets one whose other parts carry what the whole value did.
    pub(super) fn update_part(
        &mut self,
        name: &'m str,
        key: KeyRef,
        t: &[Label],
        shape: Option<Rc<Shape>>,
        cx: &mut Ctx<'m>,
    ) {
        let cur = self.lookup(name, cx).unwrap_or_default();
        let mut s = match self.shape_of_name(name, cx) {
            Some(s) => (*s).clone(),
            None => Shape::opaque(cur.clone()),
        };
        let kept = s.set(key.owned(), t.to_vec(), shape);
        let mut whole = cur;
        join(&mut whole, t);
        cx.env.set_shaped(name, whole, kept.then(|| Rc::new(s)));
    }

    /// `o.f = t`, `d["k"] = t` with `o`, `d` a local name: a strong update of that part (`false`
    /// for any other target, left to `weak_update`).
    pub(super) fn part_assigned(
        &mut self,
        target: &'m Expr,
        t: &[Label],
        shape: Option<&Rc<Shape>>,
        augmented: bool,
        cx: &mut Ctx<'m>,
    ) -> bool {
        let Some((value, key)) = named_part(target) else {
            return false;
        };
        let ExprKind::Name(n) = &value.kind else {
            return false;
        };
        if cx.receiver == Some(&**n) {
            return false;
        }
        let note = Note::Assign(short(self.text, target.span));
        let mut t = self.trace.extend(t, target.span, &note);
        if augmented {
            if let Some(old) = self.part_taint(target, cx) {
                join(&mut t, &old);
            }
        }
        let shape = shape.filter(|_| !augmented).cloned();
        self.update_part(n, key, &t, shape, cx);
        true
    }

    /// Bind one target of a destructuring to part `key` of the value (all of it when the part
    /// or the value's shape is not known).
    pub(super) fn assign_part(
        &mut self,
        target: &'m Expr,
        whole: &[Label],
        shape: Option<&Rc<Shape>>,
        key: Option<KeyRef>,
        augmented: bool,
        cx: &mut Ctx<'m>,
    ) {
        match (shape, key) {
            (Some(s), Some(k)) => {
                let (t, inner) = s.get(k);
                let t = self.field_of(t.clone());
                let inner = inner.cloned();
                self.assign_shaped(target, &t, inner.as_ref(), augmented, cx)
            }
            _ => self.assign(target, whole, augmented, cx),
        }
    }

    /// A write of `self.<field>` (or of a part of it, `self.x["k"] = t`): readers of the field's
    /// parts get what `shape` says, when every write of it gave one.
    pub(super) fn field_written(&mut self, ci: usize, field: &'m str, shape: Option<&Rc<Shape>>) {
        let shape = shape.map(|s| Rc::new(s.map(&mut |t| real(t))));
        self.changed |= self
            .field_shapes
            .entry((ci, field))
            .or_default()
            .add(shape.as_ref());
    }

    /// The shape of the value bound to `name`; a local binding without one hides the module's.
    pub(super) fn shape_of_name(&self, name: &str, cx: &Ctx<'m>) -> Option<Rc<Shape>> {
        match cx.env.var(name) {
            Some(_) => cx.env.shape(name).cloned(),
            None => self.globals.shape(name).cloned(),
        }
    }
}

/// The shape of a value that any of several returns (or writes of a class's field) gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) enum Joined {
    /// None seen yet.
    #[default]
    Unseen,
    /// Every one so far had a shape: their join.
    Shaped(Rc<Shape>),
    /// Some one had none: readers get the whole value.
    Whole,
}

impl Joined {
    /// Add a value of this shape; whether anything changed.
    pub fn add(&mut self, shape: Option<&Rc<Shape>>) -> bool {
        let next = match (&*self, shape) {
            (Joined::Whole, _) | (_, None) => Joined::Whole,
            (Joined::Unseen, Some(s)) => Joined::Shaped(s.clone()),
            (Joined::Shaped(a), Some(b)) => Joined::Shaped(Rc::new(a.joined(b))),
        };
        let changed = next != *self;
        *self = next;
        changed
    }

    /// Add what another pass over the function's returns saw; whether anything changed.
    pub fn absorb(&mut self, other: &Joined) -> bool {
        match other {
            Joined::Unseen => false,
            Joined::Whole => self.add(None),
            Joined::Shaped(s) => self.add(Some(s)),
        }
    }

    pub fn shape(&self) -> Option<&Rc<Shape>> {
        match self {
            Joined::Shaped(s) => Some(s),
            _ => None,
        }
    }
}

fn is_receiver(e: &Expr, cx: &Ctx) -> bool {
    matches!(&e.kind, ExprKind::Name(n) if cx.receiver == Some(&**n))
}

/// The field of the receiver a chain of reads starts with: `x` of `self.x["k"].y`.
pub(super) fn receiver_field<'e>(e: &'e Expr, cx: &Ctx) -> Option<&'e str> {
    let mut cur = e;
    loop {
        match &cur.kind {
            ExprKind::Attribute { value, attr } if is_receiver(value, cx) => return Some(attr),
            ExprKind::Attribute { value, .. } | ExprKind::Index { value, .. } => cur = value,
            _ => return None,
        }
    }
}

/// `t[2]`, `d["k"]`, `o.k`: the value read from and the part it names.
pub(super) fn named_part(e: &Expr) -> Option<(&Expr, KeyRef<'_>)> {
    match &e.kind {
        ExprKind::Attribute { value, attr } => Some((value, KeyRef::Name(attr))),
        ExprKind::Index { value, index } => Some((value, KeyRef::of_index(index)?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
