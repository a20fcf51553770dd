//! The lower level as the bi-level loop sees it: given a coalition structure, train in pieces
//! small enough that the caller can yield between them, then report the structure's value.

use super::error::Result;
use crate::core::{CharacteristicFunction, CoalitionStructure};

/// A structure's value once the lower level has trained on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Valued {
    /// `V(CS) = Σ v(C)`.
    pub value: f64,
    /// Each coalition's `v(C)`, in the structure's order.
    pub coalition_values: Vec<f64>,
    /// The followers' learning curve on this structure: its `V` over each training epoch's
    /// episodes (empty when nothing trains, as in a normal-form game).
    pub training_curve: Vec<f64>,
}

/// What Algorithm 1's inner loop (lines 8-19) offers the outer one.
pub trait LowerLevel {
    /// The number of agents.
    fn agents(&self) -> usize;

    /// Starts training on `cs` (the structure the leader just chose), forgetting any training
    /// in progress on another structure.
    fn begin(&mut self, cs: &CoalitionStructure) -> Result<()>;

    /// Trains for at most `work` units (environment steps for the followers) and returns the
    /// structure's value once its training is complete, `None` while it goes on. Each call is
    /// short enough for a caller to check a stop request between two.
    fn advance(&mut self, work: usize) -> Result<Option<Valued>>;
}

/// The lower level of a normal-form game: a characteristic function values a structure at once,
/// with no training. The bi-level loop over it is the normal-form leader's training, which makes
/// the loop checkable against [`Trainer::train`](crate::leader::Trainer::train).
pub struct NormalForm<'f, F: CharacteristicFunction + ?Sized> {
    f: &'f F,
    current: Option<CoalitionStructure>,
}

impl<'f, F: CharacteristicFunction + ?Sized> NormalForm<'f, F> {
    /// The lower level of `f`.
    pub fn new(f: &'f F) -> Self {
        Self { f, current: None }
    }
}

impl<F: CharacteristicFunction + ?Sized> LowerLevel for NormalForm<'_, F> {
    fn agents(&self) -> usize {
        self.f.agents()
    }

    fn begin(&mut self, cs: &CoalitionStructure) -> Result<()> {
        self.current = Some(cs.clone());
        Ok(())
    }

    fn advance(&mut self, _work: usize) -> Result<Option<Valued>> {
        Ok(self.current.take().map(|cs| {
            let coalition_values: Vec<f64> =
                cs.coalitions().iter().map(|c| self.f.value(c)).collect();
            Valued {
                value: coalition_values.iter().sum(),
                coalition_values,
                training_curve: Vec::new(),
            }
        }))
    }
}
