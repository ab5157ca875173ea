//! The one pass over every match of a search: how many, their facet counts, and the best
//! scored (BM25 × the record kind's prior), all read from [`SegmentTables`].

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::facets::{Counts, Merged, SegmentTables};

/// Collects count, facet counts and (when `keep` > 0) the `keep` best-scored matches.
pub struct Gather {
    /// The dimensions counted, as the tables hold them.
    pub dims: Vec<crate::model::Dimension>,
    /// The tables of each segment, by segment ordinal.
    pub tables: Vec<Arc<SegmentTables>>,
    /// The values of `tables` in one numbering ([`Merged::of`] them).
    pub merged: Arc<Merged>,
    /// How many of the best matches to keep; 0 turns scoring off.
    pub keep: usize,
    /// At most this many values per dimension, the most frequent (`None`: every value).
    pub facet_limit: Option<usize>,
    /// For graded matching: the unit of the scores' tier part (see `build::TIER`), which the
    /// record kind's prior must not scale.
    pub tier: Option<Score>,
}

/// What one segment yields: its count, its tables and counters, its best matches.
pub struct SegmentFruit {
    segment: SegmentOrdinal,
    total: usize,
    counters: Vec<u32>,
    best: Vec<Ranked>,
}

/// What [`Gather`] yields.
pub struct Gathered {
    /// Matches in all.
    pub total: usize,
    /// Counts per dimension and value over every match.
    pub counts: Counts,
    /// The best matches, best first (ties: index order).
    pub best: Vec<(Score, DocAddress)>,
}

/// A match ordered by score, then earlier in the index first.
#[derive(Clone, Copy, PartialEq)]
struct Ranked(Score, DocAddress);

impl Eq for Ranked {}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then_with(|| other.1.cmp(&self.1))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The `keep` best of `ranked`, best first.
fn keep_best(ranked: impl IntoIterator<Item = Ranked>, keep: usize) -> Vec<Ranked> {
    let mut heap: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(keep + 1);
    for r in ranked {
        offer(&mut heap, r, keep);
    }
    let mut out: Vec<Ranked> = heap.into_iter().map(|Reverse(r)| r).collect();
    out.sort_unstable_by(|a, b| b.cmp(a));
    out
}

fn offer(heap: &mut BinaryHeap<Reverse<Ranked>>, r: Ranked, keep: usize) {
    if heap.len() < keep {
        heap.push(Reverse(r));
    } else if let Some(mut worst) = heap.peek_mut().filter(|worst| r > worst.0) {
        // replaced in place: one sift down instead of a pop and a push
        *worst = Reverse(r);
    }
}

/// [`Gather`] on one segment.
pub struct GatherSegment {
    segment: SegmentOrdinal,
    tables: Arc<SegmentTables>,
    keep: usize,
    tier: Option<Score>,
    total: usize,
    counters: Vec<u32>,
    /// The window of documents being collected (see [`SegmentTables::count_window`]), its
    /// matches so far, and whether they are kept to be counted when the window is left (after a
    /// window most of whose records matched) or were counted as they came (`in_window` then
    /// holds none).
    window: u32,
    in_window: Vec<DocId>,
    counted_in_window: usize,
    buffering: bool,
    best: BinaryHeap<Reverse<Ranked>>,
    /// The worst kept score once `keep` are kept.
    worst: Score,
}

impl Collector for Gather {
    type Fruit = Gathered;
    type Child = GatherSegment;

    fn for_segment(&self, segment: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<GatherSegment> {
        let tables = self.tables[segment as usize].clone();
        let counters = tables.counters();
        // grown as needed: `keep` is as large as the page asked for (`--limit`)
        let best = BinaryHeap::new();
        Ok(GatherSegment {
            segment,
            tables,
            keep: self.keep,
            tier: self.tier,
            total: 0,
            counters,
            window: 0,
            in_window: Vec::new(),
            counted_in_window: 0,
            // the first window is kept whole: a segment with fewer documents than it has
            // counters is a single window
            buffering: true,
            best,
            worst: f32::NEG_INFINITY,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.keep > 0
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Gathered> {
        let mut total = 0;
        let mut best = Vec::new();
        for fruit in &fruits {
            total += fruit.total;
            best.extend_from_slice(&fruit.best);
        }
        let counters = fruits.iter().map(|f| (f.segment as usize, f.counters.as_slice()));
        let counts: Counts = self.merged.counts(&self.tables, &self.dims, counters, self.facet_limit);
        let best = keep_best(best, self.keep).into_iter().map(|Ranked(s, a)| (s, a)).collect();
        Ok(Gathered { total, counts, best })
    }
}

impl GatherSegment {
    /// Counts the matches of the window left, and sets how the next one is counted: a query
    /// whose matches filled most of one window likely fills the next (a broad query fills all).
    fn leave_window(&mut self) {
        let dense = if self.buffering {
            self.tables.count_window(self.window, &self.in_window, &mut self.counters);
            self.tables.dense(self.window, self.in_window.len())
        } else {
            self.tables.dense(self.window, self.counted_in_window)
        };
        self.in_window.clear();
        self.counted_in_window = 0;
        self.buffering = dense;
    }
}

impl SegmentCollector for GatherSegment {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.total += 1;
        let window = self.tables.window_of(doc);
        if window != self.window {
            self.leave_window();
            self.window = window;
        }
        if self.buffering {
            self.in_window.push(doc);
        } else {
            self.tables.count(doc, &mut self.counters);
            self.counted_in_window += 1;
        }
        if self.keep > 0 {
            let prior = f32::from(self.tables.prior(doc)) / 100.0;
            let score = match self.tier {
                Some(unit) => {
                    let tier = (score / unit).floor() * unit;
                    tier + (score - tier) * prior
                }
                None => score * prior,
            };
            // documents come in increasing order, so once the heap is full a score no higher
            // than its worst loses (a tie goes to the earlier document)
            if self.best.len() < self.keep || score > self.worst {
                offer(&mut self.best, Ranked(score, DocAddress::new(self.segment, doc)), self.keep);
                if self.best.len() == self.keep {
                    self.worst = self.best.peek().map_or(f32::NEG_INFINITY, |Reverse(w)| w.0);
                }
            }
        }
    }

    fn harvest(mut self) -> SegmentFruit {
        self.leave_window();
        let best = self.best.into_iter().map(|Reverse(r)| r).collect();
        SegmentFruit { segment: self.segment, total: self.total, counters: self.counters, best }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_best_with_ties_in_index_order() {
        let at = |doc| DocAddress::new(0, doc);
        let ranked =
            [Ranked(1.0, at(5)), Ranked(3.0, at(2)), Ranked(1.0, at(1)), Ranked(2.0, at(9)), Ranked(0.5, at(0))];
        let got: Vec<(f32, u32)> = keep_best(ranked, 3).into_iter().map(|r| (r.0, r.1.doc_id)).collect();
        assert_eq!(got, [(3.0, 2), (2.0, 9), (1.0, 1)]);
    }
}
