//! Files the page offers for download: text made in the page (the comparison as CSV or JSON,
//! the merge trace, the solution file) as a link to an object URL, released when the link goes.

use leptos::prelude::*;

/// An object URL holding `text` with media type `mime`.
fn text_url(text: &str, mime: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// A download link for `text`, saved as `file`; the hook `testid` for the tests. The object URL
/// is released when the link leaves the page (a new result replaces it).
pub fn download_link(
    label: &'static str,
    file: &'static str,
    mime: &'static str,
    testid: &'static str,
    text: String,
) -> impl IntoView {
    let url = text_url(&text, mime);
    if let Some(u) = url.clone() {
        on_cleanup(move || {
            let _ = web_sys::Url::revoke_object_url(&u);
        });
    }
    url.map(|href| {
        view! {
            <a class="button secondary" data-testid=testid href=href download=file>{label}</a>
        }
    })
}
