//! The bi-level run's live plots: the leader's return per episode, `V(CS)` per episode with the
//! best so far and all singletons, and the followers' learning curves (their `V` over each
//! training epoch, structure after structure). A report comes with each leader episode and each
//! follower training, many a second on a small grid; the charts are redrawn as the training
//! plots are, throttled and one chart per task ([`redraw_throttled`]).

use leptos::html::Canvas;
use leptos::prelude::*;

use super::super::plots::{chart_canvas, draw, redraw_throttled, Chart, GREEN};
use super::super::protocol::LbfProgress;
use super::super::state::AppState;

/// The three series of a run's reports: leader returns and `V(CS)` by episode, the best so
/// far, and the followers' `V` by epoch (all trainings in turn); plus `V` of all singletons
/// (the first structure valued).
struct Series {
    reward: Vec<(f64, f64)>,
    value: Vec<(f64, f64)>,
    best: Vec<(f64, f64)>,
    followers: Vec<(f64, f64)>,
    singletons: Option<f64>,
}

fn series(reports: &[LbfProgress]) -> Series {
    let mut s = Series {
        reward: Vec::new(),
        value: Vec::new(),
        best: Vec::new(),
        followers: Vec::new(),
        singletons: None,
    };
    for p in reports {
        if let (Some(value), Some(reward)) = (p.value, p.reward) {
            let x = p.episode as f64;
            s.reward.push((x, reward));
            s.value.push((x, value));
            s.best.push((x, p.best_value));
        }
        if let Some((structure, value)) = &p.structure {
            if s.singletons.is_none() && structure.iter().all(|c| c.len() == 1) {
                s.singletons = Some(*value);
            }
            for &v in &p.training_curve {
                s.followers.push(((s.followers.len() + 1) as f64, v));
            }
        }
    }
    s
}

/// The plots, shown once the run has reported.
#[component]
pub fn LbfPlots(state: AppState) -> impl IntoView {
    let [reward, value, followers] = [NodeRef::<Canvas>::new(), NodeRef::new(), NodeRef::new()];
    let draw_one = move |k: usize| {
        state.lbf_progress.with_untracked(|h| {
            let s = series(h);
            let singletons = s.singletons.map(|y| (y, "all singletons", GREEN));
            match k {
                0 => draw(
                    reward.get_untracked(),
                    &Chart {
                        title: "leader's return: V(final) − V(all singletons)",
                        x_title: "leader episode",
                        y_title: "return",
                        points: &s.reward,
                        best: None,
                        fixed: None,
                        refs: Vec::new(),
                        band: None,
                        waiting: "drawn here as training runs",
                    },
                ),
                1 => draw(
                    value.get_untracked(),
                    &Chart {
                        title: "V(CS): episode (blue), best so far (vermillion)",
                        x_title: "leader episode",
                        y_title: "V(CS)",
                        points: &s.value,
                        best: Some(&s.best),
                        fixed: None,
                        refs: singletons.into_iter().collect(),
                        band: None,
                        waiting: "drawn here as training runs",
                    },
                ),
                _ => draw(
                    followers.get_untracked(),
                    &Chart {
                        title: "followers' V while training, structure after structure",
                        x_title: "follower epoch",
                        y_title: "V(CS) during the epoch",
                        points: &s.followers,
                        best: None,
                        fixed: None,
                        refs: singletons.into_iter().collect(),
                        band: None,
                        waiting: "drawn here as training runs",
                    },
                ),
            }
        });
    };
    let redraws = redraw_throttled(move || state.lbf_progress.track(), 3, draw_one);
    let shown = move || state.lbf_progress.with(|h| !h.is_empty());
    view! {
        <div class="plots" data-redraws=redraws style:display=move || if shown() { "" } else { "none" }>
            {chart_canvas(reward, "lbf-plot-reward", || "the leader's return in each episode: the final structure's V less all singletons' V")}
            {chart_canvas(value, "lbf-plot-value", || "V(CS) of the structure each leader episode ended on, the best so far, and all singletons as a reference line")}
            {chart_canvas(followers, "lbf-plot-followers", || "the followers' V over each training epoch, for each structure they trained on in turn")}
        </div>
    }
}
