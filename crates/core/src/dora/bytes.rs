//! The byte form of [`Linked`]: what linking decided, so that a workspace can keep the
//! linked facts and read them back without linking again.
//!
//! Little-endian, column by column (ids, then times, ...), so that reading is a copy per
//! column rather than a parse per record. A column of i64 (`col` below) is a width byte:
//! 4 for an i64 base followed by u32 offsets from it (times within 136 years, ids within 4
//! billion: every real column), 8 for plain i64s.
//!
//! ```text
//! magic "SYLF" u32 format
//! u32 services, each: u32 len + name, u8 has-team [u32 len + team]
//! u64 deployments, u64 per service; col ids, col times, u8 flags (1 success, 2 rework)
//! u64 rollbacks; u32 rolled-back index, u32 by index
//! u64 changes, u64 per service; col ids, col merged, col start
//! u64 incidents; col ids, u32 services (u32::MAX none), col created, u8 resolved?, col resolved
//! ```
//!
//! Reading checks every count, index and ordering the derived fields rely on, so a damaged
//! or foreign blob gives `None` (link again) instead of wrong numbers or a panic.

use super::{Change, Dep, IncidentFact, Linked, ServiceInfo, NONE};

const MAGIC: &[u8; 4] = b"SYLF";
const FORMAT: u32 = 1;

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    /// A column of i64: as u32 offsets from its least value when they fit (times within
    /// 136 years of each other, ids below 4 billion apart), else as i64.
    fn i64s(&mut self, it: impl Iterator<Item = i64> + Clone) {
        let (lo, hi) = it
            .clone()
            .fold((i64::MAX, i64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let narrow = lo > hi || (hi as i128 - lo as i128) <= u32::MAX as i128;
        if narrow {
            let base = if lo > hi { 0 } else { lo };
            self.u8(4);
            self.0.extend_from_slice(&base.to_le_bytes());
            for v in it {
                self.0.extend_from_slice(&((v - base) as u32).to_le_bytes());
            }
        } else {
            self.u8(8);
            for v in it {
                self.0.extend_from_slice(&v.to_le_bytes());
            }
        }
    }
    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn counts(&mut self, ranges: &[(usize, usize)]) {
        for &(a, b) in ranges {
            self.u64((b - a) as u64);
        }
    }
}

struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.buf.len() {
            return None;
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn len(&mut self) -> Option<usize> {
        usize::try_from(u64::from_le_bytes(self.take(8)?.try_into().ok()?)).ok()
    }
    fn str(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
    fn column<const W: usize>(&mut self, n: usize) -> Option<std::slice::ChunksExact<'a, u8>> {
        Some(self.take(n.checked_mul(W)?)?.chunks_exact(W))
    }
    fn i64s(&mut self, n: usize) -> Option<Col<'a>> {
        match self.u8()? {
            4 => {
                let base = i64::from_le_bytes(self.take(8)?.try_into().ok()?);
                let bytes = self.take(n.checked_mul(4)?)?;
                // Every value must fit in an i64 when added to the base.
                let max = bytes
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .max();
                base.checked_add(i64::from(max.unwrap_or(0)))?;
                Some(Col::Narrow(base, bytes))
            }
            8 => Some(Col::Wide(self.take(n.checked_mul(8)?)?)),
            _ => None,
        }
    }
    fn u32s(&mut self, n: usize) -> Option<impl Iterator<Item = u32> + 'a> {
        Some(
            self.column::<4>(n)?
                .map(|c| u32::from_le_bytes(c.try_into().unwrap_or_default())),
        )
    }
    /// Per-service counts adding up to `total`.
    fn counts(&mut self, ns: usize, total: usize) -> Option<Vec<usize>> {
        let mut out = Vec::with_capacity(ns);
        let mut sum = 0usize;
        for _ in 0..ns {
            let n = self.len()?;
            sum = sum.checked_add(n).filter(|&s| s <= total)?;
            out.push(n);
        }
        (sum == total).then_some(out)
    }
}

/// A column of i64 as written by [`Writer::i64s`].
#[derive(Clone, Copy)]
enum Col<'a> {
    Narrow(i64, &'a [u8]),
    Wide(&'a [u8]),
}

impl Col<'_> {
    /// The value at `i` (checked in range when the column was read).
    #[inline]
    fn at(&self, i: usize) -> i64 {
        match *self {
            Col::Narrow(base, b) => {
                let c = &b[i * 4..i * 4 + 4];
                base + i64::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            }
            Col::Wide(b) => {
                let c = &b[i * 8..i * 8 + 8];
                i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])
            }
        }
    }
}

/// The sort key of the last change so far.
fn last_key(changes: &[Change]) -> (i64, i64) {
    changes
        .last()
        .map_or((i64::MIN, i64::MIN), |c| (c.merged, c.id))
}

/// Is each service's run of keys (given with the record's service) in order?
/// A time a record can have: years 1 to 9999. A damaged byte can make one so large that
/// the differences the metrics take (lead time, recovery) overflow; such a form is refused.
fn plausible(t: i64) -> bool {
    (-62_135_596_800..=253_402_300_799).contains(&t)
}

fn sorted_by_service<K: Ord>(items: impl Iterator<Item = (u32, K)>) -> bool {
    let mut last: Option<(u32, K)> = None;
    for (s, k) in items {
        if let Some((ls, lk)) = &last {
            if *ls == s && *lk > k {
                return false;
            }
        }
        last = Some((s, k));
    }
    true
}

impl Linked {
    /// The byte form (see the module): read back with [`Linked::from_bytes`].
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(
            128 + self.deps.len() * 17 + self.changes.len() * 24 + self.incidents.len() * 29,
        ));
        w.0.extend_from_slice(MAGIC);
        w.u32(FORMAT);
        w.u32(self.services.len() as u32);
        for s in &self.services {
            w.str(&s.name);
            match &s.team {
                Some(t) => {
                    w.u8(1);
                    w.str(t);
                }
                None => w.u8(0),
            }
        }

        w.u64(self.deps.len() as u64);
        w.counts(&self.dep_range);
        w.i64s(self.deps.iter().map(|d| d.id));
        w.i64s(self.deps.iter().map(|d| d.time));
        for (d, &rework) in self.deps.iter().zip(&self.rework) {
            w.u8(u8::from(d.success) | (u8::from(rework) << 1));
        }
        let rollbacks: Vec<(u32, u32)> = (0..self.deps.len())
            .filter(|&i| self.rolled_back_by[i] != NONE)
            .map(|i| (i as u32, self.rolled_back_by[i]))
            .collect();
        w.u64(rollbacks.len() as u64);
        for (prev, by) in rollbacks {
            w.u32(prev);
            w.u32(by);
        }

        w.u64(self.changes.len() as u64);
        w.counts(&self.change_range);
        w.i64s(self.changes.iter().map(|c| c.id));
        w.i64s(self.changes.iter().map(|c| c.merged));
        w.i64s(self.changes.iter().map(|c| c.start));

        w.u64(self.incidents.len() as u64);
        w.i64s(self.incidents.iter().map(|i| i.id));
        for i in &self.incidents {
            w.u32(i.service.unwrap_or(NONE));
        }
        w.i64s(self.incidents.iter().map(|i| i.created));
        for i in &self.incidents {
            w.u8(u8::from(i.resolved.is_some()));
        }
        w.i64s(self.incidents.iter().map(|i| i.resolved.unwrap_or(0)));
        w.0
    }

    /// The linked facts from [`Linked::to_bytes`]; `None` for anything else (another
    /// format, a truncated or damaged blob).
    pub fn from_bytes(bytes: &[u8]) -> Option<Linked> {
        let d = decode(bytes)?;
        Linked::assemble(
            d.services,
            d.deps,
            &d.rollbacks,
            d.rework,
            d.incidents,
            d.changes,
        )
    }
}

/// What a byte form holds: the decisions of linking, the changes still to decode (by
/// `changes`, on another thread if the caller likes).
pub(super) struct Decoded<C> {
    pub(super) services: Vec<ServiceInfo>,
    pub(super) deps: Vec<Dep>,
    pub(super) rollbacks: Vec<(u32, u32)>,
    pub(super) rework: Vec<bool>,
    pub(super) incidents: Vec<IncidentFact>,
    pub(super) changes: C,
}

/// The decisions in a byte form, each count, index and order checked; `None` for anything
/// else. The changes' closure gives `None` when they are damaged.
#[allow(clippy::type_complexity)]
pub(super) fn decode(
    bytes: &[u8],
) -> Option<Decoded<impl FnOnce() -> Option<(Vec<Change>, Vec<(usize, usize)>)> + Send + '_>> {
    let mut r = Reader { buf: bytes };
    if r.take(4)? != MAGIC || r.u32()? != FORMAT {
        return None;
    }
    let ns = r.u32()? as usize;
    if ns >= NONE as usize {
        return None;
    }
    let mut services = Vec::with_capacity(ns.min(r.buf.len()));
    for _ in 0..ns {
        let name = r.str()?;
        let team = match r.u8()? {
            0 => None,
            1 => Some(r.str()?),
            _ => return None,
        };
        services.push(ServiceInfo { name, team });
    }

    let n = r.len()?;
    if n >= NONE as usize || n > r.buf.len() {
        return None;
    }
    let dep_counts = r.counts(ns, n)?;
    let ids = r.i64s(n)?;
    let times = r.i64s(n)?;
    let flags = r.take(n)?;
    let mut deps = Vec::with_capacity(n);
    let mut rework = Vec::with_capacity(n);
    for (s, &count) in dep_counts.iter().enumerate() {
        let first = deps.len();
        for (i, &f) in flags.iter().enumerate().skip(first).take(count) {
            if f > 3 || f == 2 || !plausible(times.at(i)) {
                return None; // unknown bits, rework on a failure, or no time at all
            }
            deps.push(Dep {
                id: ids.at(i),
                time: times.at(i),
                service: s as u32,
                success: f & 1 == 1,
            });
            rework.push(f & 2 == 2);
        }
    }
    if !sorted_by_service(deps.iter().map(|d| (d.service, (d.time, d.id)))) {
        return None;
    }

    let m = r.len()?;
    let mut rollbacks = Vec::with_capacity(m.min(n));
    let mut pairs = r.u32s(m.checked_mul(2)?)?;
    let mut last = None;
    for _ in 0..m {
        let (prev, by) = (pairs.next()?, pairs.next()?);
        let (p, b) = (deps.get(prev as usize)?, deps.get(by as usize)?);
        // Later successes of the same service, one per rolled-back deployment.
        if by <= prev || p.service != b.service || !p.success || !b.success {
            return None;
        }
        if last.is_some_and(|l| l >= prev) {
            return None;
        }
        last = Some(prev);
        rollbacks.push((prev, by));
    }

    let nc = r.len()?;
    if nc > r.buf.len() {
        return None;
    }
    let change_counts = r.counts(ns, nc)?;
    let (ids, merged, start) = (r.i64s(nc)?, r.i64s(nc)?, r.i64s(nc)?);
    // Decoded on the second thread of `assemble`, while this one links the incidents.
    let changes = move || {
        let mut changes = Vec::with_capacity(nc);
        let mut range = Vec::with_capacity(ns);
        for &count in &change_counts {
            let first = changes.len();
            for i in first..first + count {
                let c = Change {
                    id: ids.at(i),
                    merged: merged.at(i),
                    start: start.at(i),
                };
                if !plausible(c.merged) || !plausible(c.start) {
                    return None;
                }
                if changes.len() > first && (c.merged, c.id) < last_key(&changes) {
                    return None;
                }
                changes.push(c);
            }
            // An empty range is (0, 0), as `ranges` gives it.
            range.push(if count == 0 {
                (0, 0)
            } else {
                (first, first + count)
            });
        }
        Some((changes, range))
    };

    let ni = r.len()?;
    if ni > r.buf.len() {
        return None;
    }
    let ids = r.i64s(ni)?;
    let inc_service: Vec<u32> = r.u32s(ni)?.collect();
    let created = r.i64s(ni)?;
    let has_resolved = r.take(ni)?;
    let resolved = r.i64s(ni)?;
    let mut incidents = Vec::with_capacity(ni);
    for i in 0..ni {
        let service = match inc_service[i] {
            NONE => None,
            s if (s as usize) < ns => Some(s),
            _ => return None,
        };
        if !plausible(created.at(i)) || (has_resolved[i] == 1 && !plausible(resolved.at(i))) {
            return None;
        }
        incidents.push(IncidentFact {
            id: ids.at(i),
            service,
            created: created.at(i),
            resolved: match has_resolved[i] {
                0 => None,
                1 => Some(resolved.at(i)),
                _ => return None,
            },
        });
    }
    if !sorted_by_service(incidents.iter().map(|i| (0, (i.created, i.id)))) {
        return None;
    }
    if !r.buf.is_empty() {
        return None;
    }
    Some(Decoded {
        services,
        deps,
        rollbacks,
        rework,
        incidents,
        changes,
    })
}
