//! Nearest-rank percentiles.

/// The nearest-rank p50 and p90 of `values` (reordered), the second search only over the
/// values right of the median.
pub fn p50_p90<T: Copy + Ord>(values: &mut [T]) -> (Option<T>, Option<T>) {
    if values.is_empty() {
        return (None, None);
    }
    let n = values.len();
    let rank = |p: usize| (p * n).div_ceil(100).clamp(1, n) - 1;
    let (r50, r90) = (rank(50), rank(90));
    let p50 = *values.select_nth_unstable(r50).1;
    let p90 = *values[r50..].select_nth_unstable(r90 - r50).1;
    (Some(p50), Some(p90))
}

/// Nearest-rank percentile: the value at rank ceil(p/100 * n) of the sorted values (p50 of
/// 1,2,3,4 is 2). `None` for no values. Reorders `values`.
pub fn nearest_rank<T: Copy + Ord>(values: &mut [T], p: u32) -> Option<T> {
    if values.is_empty() {
        return None;
    }
    let rank = (p as usize * values.len())
        .div_ceil(100)
        .clamp(1, values.len());
    Some(*values.select_nth_unstable(rank - 1).1)
}
