//! A coalition: a non-empty set of agents, held as a bitset (SPEC section 1).
//!
//! Bit `i` set means agent `i` is a member. The set is a fixed array of 64-bit words, so a
//! coalition is `Copy`, needs no allocation and supports [`MAX_AGENTS`] agents; operations touch
//! only the words that can hold members, which keeps small instances as fast as a plain `u64`.

use std::fmt;

/// Number of 64-bit words in a [`Coalition`].
const WORDS: usize = 16;

/// The largest number of agents a coalition (and so an instance) can hold.
pub const MAX_AGENTS: usize = WORDS * 64;

/// A set of agents `0..MAX_AGENTS`, as a bitset.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Coalition {
    words: [u64; WORDS],
}

impl Default for Coalition {
    fn default() -> Self {
        Self::empty()
    }
}

impl Coalition {
    /// The empty set (not a coalition by the paper's definition, but the identity for unions).
    pub const fn empty() -> Self {
        Self { words: [0; WORDS] }
    }

    /// The coalition holding exactly `agent`.
    ///
    /// # Panics
    /// If `agent >= MAX_AGENTS`: callers check `n` against [`MAX_AGENTS`] when an instance is made.
    pub fn singleton(agent: usize) -> Self {
        let mut c = Self::empty();
        c.insert(agent);
        c
    }

    /// The grand coalition of agents `0..n`.
    pub fn grand(n: usize) -> Self {
        assert!(n <= MAX_AGENTS, "at most {MAX_AGENTS} agents");
        let mut c = Self::empty();
        let full = n / 64;
        for w in c.words.iter_mut().take(full) {
            *w = u64::MAX;
        }
        if !n.is_multiple_of(64) {
            c.words[full] = (1u64 << (n % 64)) - 1;
        }
        c
    }

    /// The coalition whose members are the set bits of `mask` (agents `0..64`).
    pub fn from_mask(mask: u64) -> Self {
        let mut c = Self::empty();
        c.words[0] = mask;
        c
    }

    /// The coalition of the given agents.
    pub fn from_agents<I: IntoIterator<Item = usize>>(agents: I) -> Self {
        let mut c = Self::empty();
        for a in agents {
            c.insert(a);
        }
        c
    }

    /// The members as a bitmask, if every member is below 64 (dense tables index by this).
    pub fn as_mask(&self) -> Option<u64> {
        self.words[1..]
            .iter()
            .all(|&w| w == 0)
            .then_some(self.words[0])
    }

    /// The words that can hold members: everything up to the last non-zero word.
    ///
    /// Hashing and comparisons use this so that a coalition's identity depends only on its
    /// members, never on how large the array behind it is.
    pub fn significant_words(&self) -> &[u64] {
        let len = self
            .words
            .iter()
            .rposition(|&w| w != 0)
            .map_or(0, |i| i + 1);
        &self.words[..len]
    }

    /// Adds `agent`.
    pub fn insert(&mut self, agent: usize) {
        assert!(
            agent < MAX_AGENTS,
            "agent {agent} is beyond the limit of {MAX_AGENTS}"
        );
        self.words[agent / 64] |= 1u64 << (agent % 64);
    }

    /// Removes `agent`.
    pub fn remove(&mut self, agent: usize) {
        if agent < MAX_AGENTS {
            self.words[agent / 64] &= !(1u64 << (agent % 64));
        }
    }

    /// Whether `agent` is a member.
    pub fn contains(&self, agent: usize) -> bool {
        agent < MAX_AGENTS && self.words[agent / 64] & (1u64 << (agent % 64)) != 0
    }

    /// The number of members, `|C|` (the paper's `k`).
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// The smallest member; coalition structures are ordered by it (SPEC section 5).
    pub fn first(&self) -> Option<usize> {
        self.words
            .iter()
            .position(|&w| w != 0)
            .map(|i| i * 64 + self.words[i].trailing_zeros() as usize)
    }

    /// `C ∪ D`.
    pub fn union(&self, other: &Self) -> Self {
        let mut c = *self;
        for (a, b) in c.words.iter_mut().zip(other.words.iter()) {
            *a |= b;
        }
        c
    }

    /// `C ∩ D`.
    pub fn intersection(&self, other: &Self) -> Self {
        let mut c = *self;
        for (a, b) in c.words.iter_mut().zip(other.words.iter()) {
            *a &= b;
        }
        c
    }

    /// Whether `C` and `D` share no member.
    pub fn is_disjoint(&self, other: &Self) -> bool {
        self.words
            .iter()
            .zip(other.words.iter())
            .all(|(a, b)| a & b == 0)
    }

    /// The members in increasing order.
    pub fn agents(&self) -> Agents<'_> {
        Agents {
            words: self.significant_words(),
            word: 0,
            bits: self.words[0],
        }
    }
}

/// Iterator over the members of a [`Coalition`], in increasing order.
pub struct Agents<'a> {
    words: &'a [u64],
    word: usize,
    bits: u64,
}

impl Iterator for Agents<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.word < self.words.len() {
            if self.bits != 0 {
                let bit = self.bits.trailing_zeros() as usize;
                self.bits &= self.bits - 1;
                return Some(self.word * 64 + bit);
            }
            self.word += 1;
            self.bits = self.words.get(self.word).copied().unwrap_or(0);
        }
        None
    }
}

impl fmt::Debug for Coalition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.agents()).finish()
    }
}

impl fmt::Display for Coalition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        for (i, a) in self.agents().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{a}")?;
        }
        write!(f, "}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grand_holds_exactly_the_first_n_agents() {
        for n in [0, 1, 5, 63, 64, 65, 128, 1000, MAX_AGENTS] {
            let g = Coalition::grand(n);
            assert_eq!(g.len(), n);
            assert_eq!(g.agents().collect::<Vec<_>>(), (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn members_beyond_the_first_word_are_kept() {
        let c = Coalition::from_agents([3, 64, 700, 1023]);
        assert_eq!(c.len(), 4);
        assert!(c.contains(700) && !c.contains(701));
        assert_eq!(c.first(), Some(3));
        assert_eq!(c.as_mask(), None);
        assert_eq!(c.significant_words().len(), 16);
        assert_eq!(c.agents().collect::<Vec<_>>(), vec![3, 64, 700, 1023]);
    }

    #[test]
    fn set_operations() {
        let a = Coalition::from_mask(0b0110);
        let b = Coalition::from_mask(0b1100);
        assert_eq!(a.union(&b), Coalition::from_mask(0b1110));
        assert_eq!(a.intersection(&b), Coalition::from_mask(0b0100));
        assert!(!a.is_disjoint(&b));
        assert!(Coalition::from_mask(1).is_disjoint(&b));
        assert_eq!(a.to_string(), "{1, 2}");
        assert_eq!(Coalition::empty().first(), None);
    }
}
