//! Play / pause through numbered steps on a timer: the merge viewer's states and the grid's
//! episode both play this way, one step every interval, stopping at the last.

use std::time::Duration;

use leptos::prelude::*;

/// A timer that advances a step signal; `Copy`, so handlers can hold it.
#[derive(Clone, Copy)]
pub struct Player {
    playing: RwSignal<bool>,
    timer: StoredValue<Option<IntervalHandle>, LocalStorage>,
}

impl Player {
    /// A stopped player.
    pub fn new() -> Self {
        Self {
            playing: RwSignal::new(false),
            timer: StoredValue::new_local(None),
        }
    }

    /// Whether it is playing (tracked, for the button's label).
    pub fn playing(&self) -> bool {
        self.playing.get()
    }

    /// Stops playing; the step stays where it is.
    pub fn stop(&self) {
        self.playing.set(false);
        self.timer.update_value(|t| {
            if let Some(t) = t.take() {
                t.clear();
            }
        });
    }

    /// Plays `step` up to `last()`, one step every `every`, from the first step if it is at the
    /// last already.
    pub fn play(
        &self,
        step: RwSignal<usize>,
        last: impl Fn() -> usize + Copy + 'static,
        every: Duration,
    ) {
        self.stop();
        if step.get_untracked() >= last() {
            step.set(0);
        }
        self.playing.set(true);
        let player = *self;
        let handle = set_interval_with_handle(
            move || {
                if step.get_untracked() < last() {
                    step.update(|s| *s += 1);
                }
                // Stopped as the last step shows, so the button says "play" again with it.
                if step.get_untracked() >= last() {
                    player.stop();
                }
            },
            every,
        );
        if let Ok(h) = handle {
            self.timer.set_value(Some(h));
        }
    }

    /// Plays, or stops if playing.
    pub fn toggle(
        &self,
        step: RwSignal<usize>,
        last: impl Fn() -> usize + Copy + 'static,
        every: Duration,
    ) {
        if self.playing.get_untracked() {
            self.stop();
        } else {
            self.play(step, last, every);
        }
    }
}

impl Default for Player {
    fn default() -> Self {
        Self::new()
    }
}
