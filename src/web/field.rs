//! A form field with its complaint beside it: a labelled text input bound to a signal, marked
//! `aria-invalid` and described by the message while the error shown is about it, until the
//! field is changed. Number fields
//! are text inputs (`inputmode` brings up the right keyboard): a `type="number"` input hands
//! the page an empty value while `2.` or `-` is being typed, and writing that back garbled the
//! text (`2.5` became `52`). A drop-down list, [`Select`], is marked and described the same
//! way. And a labelled checkbox, [`Switch`].

use leptos::prelude::*;

use super::state::AppState;

/// The id of the message about `field`, which its `aria-describedby` names while it is shown.
pub fn error_id(field: &str) -> String {
    format!("{field}-error")
}

/// The message of the error shown, when it is about `field`, with the `data-testid="error"`
/// hook and the id the field's `aria-describedby` names.
#[component]
pub fn FieldError(state: AppState, #[prop(into)] field: String) -> impl IntoView {
    let id = error_id(&field);
    move || {
        state.error_at(&field).map(|message| {
            view! { <span class="field-error" id=id.clone() data-testid="error" role="alert">{message}</span> }
        })
    }
}

/// A labelled text field bound to `value`; `on_typed`, when given, receives the text instead
/// of `value` (a field whose change moves others).
#[component]
pub fn Field(
    state: AppState,
    #[prop(into)] label: String,
    /// The field's `data-testid`, also the key of its complaints.
    #[prop(into)]
    testid: String,
    value: RwSignal<String>,
    /// `numeric`, `decimal` or `text`.
    #[prop(default = "decimal")]
    inputmode: &'static str,
    /// The hover text: what the setting means.
    #[prop(optional, into)]
    title: Option<String>,
    #[prop(optional)] on_typed: Option<fn(&AppState, String)>,
    /// Whether the field is disabled.
    #[prop(optional, into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    let (t1, t2, t3, t4) = (
        testid.clone(),
        testid.clone(),
        testid.clone(),
        testid.clone(),
    );
    view! {
        <label title=title>
            {label}
            <input
                type="text"
                inputmode=inputmode
                autocomplete="off"
                data-testid=testid.clone()
                data-field=testid
                aria-invalid=move || state.invalid(&t1)
                aria-describedby=move || state.described_by(&t2)
                prop:value=move || value.get()
                disabled=move || disabled.get()
                on:input=move |ev| {
                    state.edited(&t4);
                    let text = event_target_value(&ev);
                    match on_typed {
                        Some(f) => f(&state, text),
                        None => value.set(text),
                    }
                }
            />
            <FieldError state field=t3 />
        </label>
    }
}

/// A labelled drop-down list bound to `value`, its `<option>`s the children, with its complaint
/// beside it as [`Field`] has: a list whose choice is refused is marked and described as a
/// text field is.
#[component]
pub fn Select(
    state: AppState,
    #[prop(into)] label: String,
    /// The list's `data-testid`, also the key of its complaints.
    testid: &'static str,
    value: RwSignal<String>,
    /// The hover text: what the setting means.
    #[prop(optional, into)]
    title: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <label title=title>
            {label}
            <select data-testid=testid data-field=testid
                aria-invalid=move || state.invalid(testid)
                aria-describedby=move || state.described_by(testid)
                prop:value=move || value.get()
                on:change=move |ev| {
                    state.edited(testid);
                    value.set(event_target_value(&ev));
                }>
                {children()}
            </select>
            <FieldError state field=testid />
        </label>
    }
}

/// A labelled checkbox bound to `value`.
#[component]
pub fn Switch(
    #[prop(into)] label: String,
    /// The checkbox's `data-testid`.
    testid: &'static str,
    value: RwSignal<bool>,
    /// The hover text: what the setting means.
    #[prop(into)]
    title: String,
) -> impl IntoView {
    view! {
        <label title=title>
            {label}
            <input data-testid=testid type="checkbox"
                prop:checked=move || value.get()
                on:change=move |ev| value.set(event_target_checked(&ev)) />
        </label>
    }
}
