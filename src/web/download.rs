//! Files the page offers for download: text made in the page (the comparison as CSV or JSON,
//! the merge trace, the solution file). The text is made when the link is pressed, not when
//! the result is shown: at 1000 agents the merge trace is megabytes of JSON, which would hold up
//! the first drawing of every rollout for a file few download.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// An object URL holding `text` with media type `mime`.
fn text_url(text: &str, mime: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// How long an object URL handed to the browser's download is kept before it is released.
const KEEP_URL_MS: u64 = 60_000;

/// A download link for the text `make` returns when pressed, saved as `file`; the hook
/// `testid` for the tests.
pub fn download_link(
    label: &'static str,
    file: &'static str,
    mime: &'static str,
    testid: &'static str,
    make: impl Fn() -> String + 'static,
) -> impl IntoView {
    let save = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let Some(url) = text_url(&make(), mime) else {
            return;
        };
        // A link of its own, pressed once, carries the file to the browser's download.
        let anchor = document()
            .create_element("a")
            .ok()
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        if let Some(a) = anchor {
            a.set_href(&url);
            a.set_download(file);
            a.click();
        }
        set_timeout(
            move || {
                let _ = web_sys::Url::revoke_object_url(&url);
            },
            std::time::Duration::from_millis(KEEP_URL_MS),
        );
    };
    view! {
        <a class="button secondary" data-testid=testid href="#" download=file on:click=save>{label}</a>
    }
}
