//! The web worker: a thin shell around [`Service`], which holds all of the worker's logic and
//! is tested natively. It posts `Ready` first (requests the page sent while the wasm loaded were
//! kept by `static/worker_loader.js`, which hands them over once this handler is installed),
//! hands each decoded request to the service, and while a job runs calls
//! [`Service::work`] in slices of about 40 ms, each scheduled with `setTimeout(0)`, so that a
//! `StopTraining` message is received between two slices: a worker's messages queue behind
//! whatever it is computing.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::service::protocol::{decode, encode, FromWorker, ToWorker};
use crate::service::{Clock, Service};

/// Milliseconds of work between two looks at the message queue.
const SLICE_MS: f64 = 40.0;

thread_local! {
    static SERVICE: RefCell<Service> = RefCell::new(Service::new());
    /// Whether a slice is scheduled: a resume right after a pause must not start a second
    /// chain of slices beside the one still pending.
    static SCHEDULED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// The worker's `performance.now()`.
struct Performance;

impl Clock for Performance {
    fn now_ms(&self) -> f64 {
        scope().performance().map_or(0.0, |p| p.now())
    }
}

fn post(messages: Vec<FromWorker>) {
    for message in messages {
        // Posting a string cannot fail for a live worker; there is nobody else to tell if it does.
        let _ = scope().post_message(&JsValue::from_str(&encode(&message)));
    }
}

/// Starts the worker loop.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        // The page hears what went wrong before the trap that follows ends the worker.
        post(vec![FromWorker::Crashed(info.to_string())]);
    }));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match event
            .data()
            .as_string()
            .ok_or_else(|| "expected a text message".to_string())
            .and_then(|t| decode::<ToWorker>(&t))
        {
            Ok(request) => {
                let (answers, busy) = SERVICE.with(|s| {
                    let mut s = s.borrow_mut();
                    let answers = s.handle(request, &Performance);
                    // A new or resumed job needs a slice scheduled; a running one has one.
                    (answers, s.busy())
                });
                post(answers);
                if busy {
                    schedule_slice();
                }
            }
            Err(e) => post(vec![FromWorker::Solved(Err(e))]),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(vec![FromWorker::Ready]);
}

fn schedule_slice() {
    if SCHEDULED.with(|s| s.replace(true)) {
        return;
    }
    let callback = Closure::once_into_js(work_slice);
    if scope()
        .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), 0)
        .is_err()
    {
        SCHEDULED.with(|s| s.set(false));
        post(SERVICE.with(|s| {
            s.borrow_mut()
                .abort_job("the browser refused to schedule training; try again")
        }));
    }
}

/// Runs the job for one slice, then schedules the next while it goes on.
fn work_slice() {
    SCHEDULED.with(|s| s.set(false));
    let (answers, busy) = SERVICE.with(|s| {
        let mut s = s.borrow_mut();
        let answers = s.work(SLICE_MS, &Performance);
        (answers, s.busy())
    });
    post(answers);
    if busy {
        schedule_slice();
    }
}
