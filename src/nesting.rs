//! The spans of one file's functions, to find those around a position without a look at each:
//! a look at every function per finding (or per name read) is quadratic in a file with
//! thousands of both.
//!
//! The spans come from one syntax tree, so they nest: the innermost one around a position is the
//! last one starting before it, or one of the spans around that one.

use crate::ir::Span;
use std::cmp::Reverse;

#[derive(Debug, Default)]
pub struct Nesting {
    /// Indices into the spans given, by start, outer before inner; of identical spans the first
    /// given comes last, so it is found first.
    order: Vec<usize>,
    spans: Vec<Span>,
    /// For each entry of `order`, the innermost earlier entry containing it.
    parent: Vec<Option<usize>>,
}

impl Nesting {
    pub fn new(spans: Vec<Span>) -> Self {
        let mut order: Vec<usize> = (0..spans.len()).collect();
        order.sort_by_key(|&i| (spans[i].start, Reverse(spans[i].end), Reverse(i)));
        let mut parent = Vec::with_capacity(order.len());
        let mut open: Vec<usize> = Vec::new();
        for (k, &i) in order.iter().enumerate() {
            while open
                .last()
                .is_some_and(|&o| !contains(spans[order[o]], spans[i]))
            {
                open.pop();
            }
            parent.push(open.last().copied());
            open.push(k);
        }
        Nesting {
            order,
            spans,
            parent,
        }
    }

    /// The indices of the spans containing `at`, innermost first.
    pub fn around(&self, at: Span) -> Vec<usize> {
        if at.start == at.end {
            // An empty span can sit where one function ends and the next begins, in both:
            // only a look at each finds them all.
            let mut all: Vec<usize> = (0..self.spans.len())
                .filter(|&i| contains(self.spans[i], at))
                .collect();
            all.sort_by_key(|&i| (self.spans[i].end - self.spans[i].start, i));
            return all;
        }
        let mut out = Vec::new();
        let mut cur = self
            .order
            .partition_point(|&i| self.spans[i].start <= at.start)
            .checked_sub(1);
        while let Some(k) = cur {
            let i = self.order[k];
            if contains(self.spans[i], at) {
                out.push(i);
            }
            cur = self.parent[k];
        }
        out
    }
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

#[cfg(test)]
mod tests;
