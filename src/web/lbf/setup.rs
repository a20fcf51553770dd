//! The bi-level run's set-up: a preset, or the user's own grid (side, agents, apples, levels,
//! recruitment cost, episode length), read by [`crate::page::lbf_setup`] with each complaint
//! beside its field.

use leptos::prelude::*;

use crate::followers::{ConfigChoice, PRESETS};
use crate::page::lbf_setup::{
    preset_label, LbfCustomText, MAX_PAGE_GRID_SIDE, MAX_PAGE_LBF_AGENTS, MAX_PAGE_LEVEL,
};

use super::super::field::Field;
use super::super::state::{AppState, FormError};

/// The custom grid's fields, as typed.
#[derive(Clone, Copy)]
pub struct LbfCustomFields {
    grid_side: RwSignal<String>,
    agents: RwSignal<String>,
    apples: RwSignal<String>,
    agent_min: RwSignal<String>,
    agent_max: RwSignal<String>,
    apple_min: RwSignal<String>,
    apple_max: RwSignal<String>,
    cost: RwSignal<String>,
    steps: RwSignal<String>,
}

impl LbfCustomFields {
    /// The fields holding the `teaching` preset's settings.
    pub fn new() -> Self {
        let t = LbfCustomText::default();
        Self {
            grid_side: RwSignal::new(t.grid_side),
            agents: RwSignal::new(t.agents),
            apples: RwSignal::new(t.apples),
            agent_min: RwSignal::new(t.agent_levels.0),
            agent_max: RwSignal::new(t.agent_levels.1),
            apple_min: RwSignal::new(t.apple_levels.0),
            apple_max: RwSignal::new(t.apple_levels.1),
            cost: RwSignal::new(t.cost),
            steps: RwSignal::new(t.steps),
        }
    }

    /// The fields as typed (tracked).
    pub fn text(&self) -> LbfCustomText {
        LbfCustomText {
            grid_side: self.grid_side.get(),
            agents: self.agents.get(),
            apples: self.apples.get(),
            agent_levels: (self.agent_min.get(), self.agent_max.get()),
            apple_levels: (self.apple_min.get(), self.apple_max.get()),
            cost: self.cost.get(),
            steps: self.steps.get(),
        }
    }
}

impl LbfCustomFields {
    /// Puts `t` into the fields.
    pub fn set_text(&self, t: LbfCustomText) {
        self.grid_side.set(t.grid_side);
        self.agents.set(t.agents);
        self.apples.set(t.apples);
        self.agent_min.set(t.agent_levels.0);
        self.agent_max.set(t.agent_levels.1);
        self.apple_min.set(t.apple_levels.0);
        self.apple_max.set(t.apple_levels.1);
        self.cost.set(t.cost);
        self.steps.set(t.steps);
    }
}

impl Default for LbfCustomFields {
    fn default() -> Self {
        Self::new()
    }
}

/// The configuration chosen in the form, checked (a custom grid's complaint at its field).
pub fn chosen(state: &AppState) -> Result<ConfigChoice, FormError> {
    let name = state.lbf_config.get();
    if name != "custom" {
        return Ok(ConfigChoice::Preset(name));
    }
    state
        .lbf_custom
        .text()
        .read()
        .map(ConfigChoice::Custom)
        .map_err(|c| FormError {
            field: c.field.map(str::to_string),
            message: c.message,
        })
}

/// The preset list and, for `custom`, the grid's own fields.
#[component]
pub fn LbfSetup(state: AppState) -> impl IntoView {
    let options = PRESETS
        .iter()
        .chain(&["custom"])
        .map(|name| view! { <option value=*name>{preset_label(name)}</option> })
        .collect_view();
    let f = state.lbf_custom;
    view! {
        <label>
            "Configuration"
            // Not while a run trains: its result would sit under another configuration's name.
            <select data-testid="lbf-config-select" prop:value=move || state.lbf_config.get()
                disabled=move || state.lbf_training.get()
                on:change=move |ev| state.lbf_config.set(event_target_value(&ev))>
                {options}
            </select>
        </label>
        {move || (state.lbf_config.get() == "custom").then(|| view! {
            <fieldset class="row lbf-custom">
                <legend>"Your grid"</legend>
                <Field state label=format!("Grid side (5-{MAX_PAGE_GRID_SIDE})") testid="lbf-side-input" value=f.grid_side inputmode="numeric"
                    title="rows and columns of the square grid" />
                <Field state label=format!("Agents (1-{MAX_PAGE_LBF_AGENTS})") testid="lbf-agents-input" value=f.agents inputmode="numeric" />
                <Field state label="Apples (1 to side² / 4)" testid="lbf-apples-input" value=f.apples inputmode="numeric"
                    title="apples spawned per episode; they never touch each other nor the border" />
                <Field state label=format!("Agent levels from (1-{MAX_PAGE_LEVEL})") testid="lbf-agent-min-input" value=f.agent_min inputmode="numeric" />
                <Field state label="to" testid="lbf-agent-max-input" value=f.agent_max inputmode="numeric" />
                <Field state label=format!("Apple levels from (1-{MAX_PAGE_LEVEL})") testid="lbf-apple-min-input" value=f.apple_min inputmode="numeric"
                    title="an apple is loaded when the levels of the agents loading it together add up to at least its level" />
                <Field state label="to" testid="lbf-apple-max-input" value=f.apple_max inputmode="numeric" />
                <Field state label="Recruitment cost (0-1000)" testid="lbf-cost-input" value=f.cost
                    title="what a coalition pays per episode for each member beyond its first: a member who adds nothing is a loss" />
                <Field state label="Steps per episode (1-500)" testid="lbf-steps-input" value=f.steps inputmode="numeric" />
            </fieldset>
        })}
    }
}
