//! The training's live plots (plotters on canvases): episode return, loss, ε and `v(CS)`, with
//! axis titles, ticks that fit, and on the `v(CS)` plot the reference lines a reader needs: all
//! singletons, and the optimum once the page knows it. Colours are the Okabe-Ito palette, which
//! colour-blind readers tell apart.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;

use super::protocol::EpisodeReport;
use super::state::{now_ms, AppState};
use crate::leader::graph::GraphEvent;
use crate::page::numbers;

const BLUE: RGBColor = RGBColor(0, 114, 178);
const VERMILLION: RGBColor = RGBColor(213, 94, 0);
/// The fill of several seeds' range: light, yet apart from the white background and the grid.
const BAND: RGBColor = RGBColor(200, 200, 200);
/// The edges of several seeds' range (4.5:1 against white, like text).
const BAND_EDGE: RGBColor = RGBColor(118, 118, 118);
/// The colour of the "all singletons" reference line.
pub(super) const GREEN: RGBColor = RGBColor(0, 158, 115);

/// The least time between two redraws of the plots, in milliseconds: a few redraws a second
/// look live, and drawing the four charts takes the page's thread for tens of milliseconds.
const REDRAW_MS: f64 = 250.0;

/// A chart's size in CSS pixels: what its fonts and margins are drawn for.
const CHART_SIZE: (u32, u32) = (330, 170);

/// The canvas's pixels per CSS pixel: the screen's density (2 on most phones, 1 on most
/// projectors), so the curves and text are sharp wherever they are shown; at most 2, since a
/// redraw fills ratio² times the pixels and must stay within the main thread's 50 ms.
fn pixel_ratio() -> f64 {
    window().device_pixel_ratio().clamp(1.0, 2.0)
}

/// A chart's canvas, `testid` for the tests: [`CHART_SIZE`] on the page, drawn at the screen's
/// density (`draw` reads the scale back from its width).
pub(super) fn chart_canvas(
    node: NodeRef<Canvas>,
    testid: &'static str,
    label: impl Fn() -> &'static str + Send + Sync + 'static,
) -> impl IntoView {
    let ratio = pixel_ratio();
    let (w, h) = CHART_SIZE;
    view! {
        <canvas node_ref=node data-testid=testid role="img" aria-label=label
            width=(f64::from(w) * ratio).round() as u32 height=(f64::from(h) * ratio).round() as u32
            style=format!("aspect-ratio: {w} / {h}")></canvas>
    }
}

/// One plot: what it shows and how.
pub(super) struct Chart<'a> {
    /// The caption above the plot.
    pub title: &'a str,
    /// The x axis's title (`episode`, `follower epoch`).
    pub x_title: &'a str,
    /// The y axis's title.
    pub y_title: &'a str,
    /// The series, as `(x, y)` with `x` from 1.
    pub points: &'a [(f64, f64)],
    /// A second series in vermillion (the best so far). With a band, neither this nor `points`
    /// is drawn: one seed's noisy episodes would hide the band, and the title names only what
    /// is drawn.
    pub best: Option<&'a [(f64, f64)]>,
    /// The y axis's range when the quantity has one (ε runs from 0 to 1: an ε still at 0.88
    /// must not look decayed); otherwise the axis fits the data and the reference lines.
    pub fixed: Option<(f64, f64)>,
    /// Horizontal reference lines: value, label, colour.
    pub refs: Vec<(f64, &'static str, RGBColor)>,
    /// Several seeds' mean (black) and range (a grey band), as `(x, mean, low, high)`.
    pub band: Option<&'a [(f64, f64, f64, f64)]>,
    /// What an empty chart says will come.
    pub waiting: &'a str,
}

impl<'a> Chart<'a> {
    /// A chart of one series by episode, with no best-so-far series, reference lines or band:
    /// what every chart of a leader's training (the paper's and the graph leader's) is built
    /// from, the ones that show more adding it.
    fn by_episode(
        title: &'a str,
        y_title: &'a str,
        points: &'a [(f64, f64)],
        fixed: Option<(f64, f64)>,
    ) -> Self {
        Chart {
            title,
            x_title: "episode",
            y_title,
            points,
            best: None,
            fixed,
            refs: Vec::new(),
            band: None,
            waiting: "drawn here as training runs",
        }
    }

    /// The loss by episode: empty until the network's first update, which waits for its
    /// replay to fill, so an empty chart after a short run is no fault.
    fn loss(points: &'a [(f64, f64)]) -> Self {
        Chart {
            waiting: "drawn once the network starts learning",
            ..Chart::by_episode("loss", "loss", points, None)
        }
    }
}

/// Draws `chart` into `canvas`; silently skips a canvas that is not there yet.
pub(super) fn draw(canvas: Option<web_sys::HtmlCanvasElement>, chart: &Chart) {
    let Some(canvas) = canvas else { return };
    // Sizes below are in CSS pixels; `px` turns them into the canvas's.
    let scale = f64::from(canvas.width()) / f64::from(CHART_SIZE.0);
    let px = |n: u32| (f64::from(n) * scale).round() as u32;
    let Some(backend) = CanvasBackend::with_canvas_object(canvas) else {
        return;
    };
    let root = backend.into_drawing_area();
    let _ = root.fill(&WHITE);
    // The axes fit what is drawn: with a band, the band alone (see `best`).
    let band = chart.band.filter(|b| !b.is_empty());
    if band.is_none() && chart.points.is_empty() {
        // Nothing to plot yet: axes from 1 to 2 and 0 to 1 would only puzzle; say what comes.
        draw_waiting(&root, scale, chart.title, chart.waiting);
        return;
    }
    let (points, best) = match band {
        Some(_) => (&[][..], &[][..]),
        None => (chart.points, chart.best.unwrap_or(&[])),
    };
    let all = points
        .iter()
        .chain(best)
        .map(|p| p.1)
        .chain(chart.refs.iter().map(|r| r.0))
        .chain(band.unwrap_or(&[]).iter().flat_map(|b| [b.2, b.3]));
    let (mut y0, mut y1) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
        (a.min(y), b.max(y))
    });
    if !y0.is_finite() {
        (y0, y1) = (0.0, 1.0);
    }
    // A flat series (one point, or a ratio that hardly moves) gets at least ±1 % of its size:
    // ticks closer than that repeat at 4 significant digits and blow up noise.
    let pad = ((y1 - y0) * 0.08)
        .max(y0.abs().max(y1.abs()) * 0.01)
        .max(1e-3);
    let (y0, y1) = chart.fixed.unwrap_or((y0 - pad, y1 + pad));
    let x1 = match band {
        Some(band) => band.last().map_or(1.0, |b| b.0),
        None => chart.points.last().map_or(1.0, |p| p.0),
    }
    .max(2.0);
    let Ok(mut plot) = ChartBuilder::on(&root)
        .caption(chart.title, ("sans-serif", px(13)))
        .margin(px(4))
        .margin_right(px(18))
        .x_label_area_size(px(32))
        .y_label_area_size(px(54))
        .build_cartesian_2d(1.0..x1, y0..y1)
    else {
        return;
    };
    let _ = plot
        .configure_mesh()
        .x_labels(5)
        .y_labels(5)
        .x_desc(chart.x_title)
        .y_desc(chart.y_title)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| numbers::short(*y))
        .label_style(("sans-serif", px(11)))
        .axis_desc_style(("sans-serif", px(12)))
        .light_line_style(RGBColor(240, 240, 240))
        .draw();
    // The band first, so that the reference lines and their labels stay on top of it: a light
    // grey fill (opaque, so the grid does not show through) between two darker grey edges,
    // which mark the range where the fill alone is faint; the mean over it in black.
    if let Some(band) = band {
        let outline: Vec<(f64, f64)> = band
            .iter()
            .map(|b| (b.0, b.3))
            .chain(band.iter().rev().map(|b| (b.0, b.2)))
            .collect();
        let _ = plot.draw_series(std::iter::once(Polygon::new(outline, BAND.filled())));
        for edge in [2, 3] {
            let _ = plot.draw_series(LineSeries::new(
                band.iter()
                    .map(|b| (b.0, if edge == 2 { b.2 } else { b.3 })),
                BAND_EDGE.stroke_width(px(1)),
            ));
        }
    }
    for &(y, _, colour) in &chart.refs {
        let _ = plot.draw_series(LineSeries::new(
            [(1.0, y), (x1, y)],
            colour.stroke_width(px(1)),
        ));
    }
    if let Some(band) = band {
        let _ = plot.draw_series(LineSeries::new(
            band.iter().map(|b| (b.0, b.1)),
            BLACK.stroke_width(px(2)),
        ));
    } else {
        let _ = plot.draw_series(LineSeries::new(
            chart.points.iter().copied(),
            BLUE.stroke_width(px(1)),
        ));
        if let Some(best) = chart.best {
            let _ = plot.draw_series(LineSeries::new(
                best.iter().copied(),
                VERMILLION.stroke_width(px(2)),
            ));
        }
    }
    // The reference lines' labels last, on a white box, so that the curves never hide them.
    // The first line's label sits above it and the others' below, so that two close lines (an
    // optimum just above all singletons) keep readable labels.
    for (k, &(y, label, colour)) in chart.refs.iter().enumerate() {
        let text = format!("{label} {}", numbers::short(y));
        let style = ("sans-serif", px(11))
            .into_font()
            .color(&colour)
            .pos(Pos::new(HPos::Left, VPos::Top));
        let (w, h) = root.estimate_text_size(&text, &style).unwrap_or((0, 0));
        let (w, h) = (w as i32, h as i32);
        let (x, py) = plot.backend_coord(&(1.0 + (x1 - 1.0) * 0.02, y));
        let gap = px(2) as i32;
        let top = if k == 0 { py - h - gap } else { py + gap };
        let _ = root.draw(&Rectangle::new(
            [(x - gap, top), (x + w + gap, top + h)],
            WHITE.mix(0.85).filled(),
        ));
        let _ = root.draw(&Text::new(text, (x, top), style));
    }
    let _ = root.present();
}

/// An empty chart: its caption and a line saying when its curve comes (`waiting`). Its
/// text is drawn at load, as the axes were, so the canvas's first (slowest) text is not drawn
/// as training starts.
fn draw_waiting(
    root: &DrawingArea<CanvasBackend, plotters::coord::Shift>,
    scale: f64,
    title: &str,
    waiting: &str,
) {
    let px = |n: i32| (f64::from(n) * scale).round() as i32;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let caption = ("sans-serif", px(13))
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    let _ = root.draw(&Text::new(title.to_string(), (w / 2, px(4)), caption));
    let _ = root.draw(&Rectangle::new(
        [(px(8), px(24)), (w - px(8), h - px(8))],
        RGBColor(220, 220, 220).stroke_width(px(1) as u32),
    ));
    let note = ("sans-serif", px(12))
        .into_font()
        .color(&BAND_EDGE)
        .pos(Pos::new(HPos::Center, VPos::Center));
    let _ = root.draw(&Text::new(
        waiting.to_string(),
        (w / 2, (h + px(16)) / 2),
        note,
    ));
    let _ = root.present();
}

/// `v(CS)` of all singletons and the optimum of the current instance, when the page knows them.
fn references(state: &AppState) -> (Option<f64>, Option<f64>) {
    let singletons = state
        .exact
        .with(|e| e.as_ref().map(|e| e.singleton_value))
        .or_else(|| {
            state
                .comparison
                .with(|c| c.as_ref().map(|c| c.singleton_value))
        })
        .or_else(|| {
            state
                .rollout
                .with(|r| r.as_ref().map(|r| r.singleton_value))
        });
    (singletons, super::viewer::optimum(state))
}

/// Chart `k` of the graph leader's training: its episodes' normalised returns, losses and ε
/// (one new instance per episode, so returns are in units of each instance's reward scale),
/// and its validations against C-Link with the line C-Link's own value makes.
fn draw_graph_chart(canvas: Option<web_sys::HtmlCanvasElement>, k: usize, h: &[GraphEvent]) {
    let episodes = |f: fn(Option<f64>, f64, f64) -> Option<f64>| -> Vec<(f64, f64)> {
        h.iter()
            .filter_map(|e| match e {
                GraphEvent::Episode {
                    episode,
                    normalised_return,
                    loss,
                    epsilon,
                    ..
                } => f(*loss, *normalised_return, *epsilon).map(|y| (*episode as f64, y)),
                GraphEvent::Validation { .. } => None,
            })
            .collect()
    };
    let validations = |best: bool| -> Vec<(f64, f64)> {
        h.iter()
            .filter_map(|e| match e {
                GraphEvent::Validation {
                    episode,
                    ratio,
                    best: b,
                } => Some((
                    (*episode).max(1) as f64,
                    100.0 * if best { *b } else { *ratio },
                )),
                GraphEvent::Episode { .. } => None,
            })
            .collect()
    };
    match k {
        0 => {
            let points = episodes(|_, r, _| Some(r));
            // Each episode's instance has its own reward scale: returns are in its units.
            let title = "episode return, in reward-scale units";
            draw(
                canvas,
                &Chart::by_episode(title, "return ÷ scale", &points, None),
            );
        }
        1 => {
            let points = episodes(|l, _, _| l);
            draw(canvas, &Chart::loss(&points));
        }
        2 => {
            let points = episodes(|_, _, e| Some(e));
            let title = "ε: share of random actions";
            draw(
                canvas,
                &Chart::by_episode(title, "ε", &points, Some((0.0, 1.0))),
            );
        }
        _ => {
            let (points, best) = (validations(false), validations(true));
            // In percent of C-Link's value, as the status says it.
            let title = "validation: % of C-Link's value (best: vermillion)";
            let chart = Chart {
                best: Some(&best),
                refs: vec![(100.0, "C-Link", GREEN)],
                waiting: "drawn at each validation",
                ..Chart::by_episode(title, "% of C-Link", &points, None)
            };
            draw(canvas, &chart);
        }
    }
}

/// Redraws `count` charts whenever what `track` reads changes: at most every [`REDRAW_MS`], from
/// the newest data, one chart per task (`draw_one(k)`, `k` from 0), so that the page's thread
/// stays free between them (issue 13: no main-thread task over 50 ms while training; four charts
/// drawn together took ~55 ms at 150 episodes). The charts are drawn once at load too, empty:
/// a canvas's first drawing costs the most (~70 ms in Chromium, its fonts), and it happens then,
/// not as training starts. Returns how many times all `count` charts have been drawn, which the
/// page shows as its charts' `data-redraws` (the end-to-end tests wait for the load's drawing).
pub(super) fn redraw_throttled(
    track: impl Fn() + 'static,
    count: usize,
    draw_one: impl Fn(usize) + Copy + 'static,
) -> ReadSignal<u32> {
    let pending = StoredValue::new(false);
    let last_drawn = StoredValue::new(f64::NEG_INFINITY);
    let (redraws, set_redraws) = signal(0u32);
    fn chain(
        k: usize,
        count: usize,
        draw_one: impl Fn(usize) + Copy + 'static,
        done: WriteSignal<u32>,
    ) {
        draw_one(k);
        if k + 1 < count {
            set_timeout(
                move || chain(k + 1, count, draw_one, done),
                std::time::Duration::ZERO,
            );
        } else {
            done.update(|n| *n += 1);
        }
    }
    let redraw = move || {
        pending.set_value(false);
        last_drawn.set_value(now_ms());
        chain(0, count, draw_one, set_redraws);
    };
    Effect::new(move |_| {
        track();
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        let wait = (last_drawn.get_value() + REDRAW_MS - now_ms()).max(0.0);
        set_timeout(
            redraw,
            std::time::Duration::from_micros((wait * 1000.0) as u64),
        );
    });
    redraws
}

/// The four live plots, in a panel of their own beside the set-up.
#[component]
pub fn Plots(state: AppState) -> impl IntoView {
    let [reward, loss, epsilon, value] = [
        NodeRef::<Canvas>::new(),
        NodeRef::new(),
        NodeRef::new(),
        NodeRef::new(),
    ];
    let draw_one = move |k: usize| {
        if state.graph_run.get_untracked() {
            let canvas = [reward, loss, epsilon, value][k.min(3)].get_untracked();
            return state
                .graph_history
                .with_untracked(|h| draw_graph_chart(canvas, k, h));
        }
        let (singletons, optimum) = references(&state);
        state.history.with_untracked(|h| {
            let series = |f: fn(&EpisodeReport) -> Option<f64>| -> Vec<(f64, f64)> {
                h.iter()
                    .filter_map(|e| f(e).map(|y| (e.episode as f64, y)))
                    .collect()
            };
            match k {
                0 => {
                    let points = series(|e| Some(e.reward));
                    let chart = Chart::by_episode("episode return", "return", &points, None);
                    draw(reward.get_untracked(), &chart);
                }
                1 => {
                    let points = series(|e| e.loss);
                    draw(loss.get_untracked(), &Chart::loss(&points));
                }
                2 => {
                    let points = series(|e| Some(e.epsilon));
                    let title = "ε: share of random actions";
                    let chart = Chart::by_episode(title, "ε", &points, Some((0.0, 1.0)));
                    draw(epsilon.get_untracked(), &chart);
                }
                _ => {
                    let points = series(|e| Some(e.value));
                    let best = series(|e| Some(e.best_value));
                    // Several seeds: this run's values and the other seeds' make the band.
                    let band: Vec<(f64, f64, f64, f64)> =
                        state.seed_pool.runs.with_untracked(|extra| {
                            if extra.is_empty() {
                                return Vec::new();
                            }
                            let mut runs = vec![h.iter().map(|e| e.value).collect::<Vec<_>>()];
                            runs.extend(extra.iter().cloned());
                            crate::page::seeds::band(&runs)
                                .into_iter()
                                .map(|b| (b.episode as f64, b.mean, b.low, b.high))
                                .collect()
                        });
                    let title = if band.is_empty() {
                        "v(CS): episode (blue), best so far (vermillion)".to_string()
                    } else {
                        // Only the mean and the range are drawn then (see `Chart::best`).
                        format!(
                            "v(CS) of {} seeds: mean (black), range (grey band)",
                            state.seed_pool.runs.with_untracked(Vec::len) + 1
                        )
                    };
                    let refs = [
                        optimum.map(|y| (y, "optimum", RGBColor(0, 0, 0))),
                        singletons.map(|y| (y, "all singletons", GREEN)),
                    ];
                    let chart = Chart {
                        best: Some(&best),
                        refs: refs.into_iter().flatten().collect(),
                        band: Some(&band),
                        ..Chart::by_episode(&title, "v(CS)", &points, None)
                    };
                    draw(value.get_untracked(), &chart);
                }
            }
        });
    };
    let redraws = redraw_throttled(
        move || {
            // What the plots show: the history, the other seeds' runs and the reference lines.
            state.history.track();
            state.graph_history.track();
            state.graph_run.track();
            state.seed_pool.runs.track();
            let _ = references(&state);
        },
        4,
        draw_one,
    );
    view! {
        <section class="panel plots-panel">
            <h2>"Learning curves"</h2>
            <div class="plots" data-redraws=redraws>
                {chart_canvas(reward, "plot-reward", move || if state.graph_run.get() {
                    "the return of each training episode, in units of its instance's reward scale"
                } else {
                    "the return of each training episode"
                })}
                {chart_canvas(loss, "plot-loss", || "the mean loss of each episode's network updates")}
                {chart_canvas(epsilon, "plot-epsilon", || "ε, the share of random actions, from 0 to 1, by episode")}
                {chart_canvas(value, "plot-value", move || if state.graph_run.get() {
                    "each validation's v(CS) of the leader as a percentage of C-Link's on instances of 50 and 100 agents, and the best kept, with C-Link's 100 % as the reference line"
                } else {
                    "v(CS) of each episode's structure and the best so far, with all singletons and the optimum as reference lines; with several seeds, their mean and range too"
                })}
            </div>
        </section>
    }
}
