//! Browser tests (`wasm-bindgen-test` in headless Chromium): the core compiled to wasm gives the
//! same values for a seed as the native build, and the page's worker logic builds instances.

#![cfg(target_arch = "wasm32")]

#[path = "common/golden.rs"]
mod golden;

use bridge_lab::core::{instance_file, CharacteristicFunction, Distribution, Instance};
use bridge_lab::service::build_instance;
use bridge_lab::service::protocol::{decode, encode, InstanceSpec, ToWorker};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn values_and_optima_match_the_native_build_bit_for_bit() {
    assert_eq!(golden::mismatches(), Vec::<String>::new());
}

#[wasm_bindgen_test]
fn the_graph_leader_rolls_out_as_natively_for_the_same_weights() {
    // The same weights file, the same instances: the native integration tests check the same
    // recorded values (`golden_native.rs`), so together they show the same rollouts and search.
    assert_eq!(golden::graph_mismatches(), Vec::<String>::new());
}

#[wasm_bindgen_test]
fn files_round_trip_in_wasm() {
    let inst = Instance::generate(Distribution::from_name("agent_based").expect("known"), 6, 9)
        .expect("valid");
    let text = instance_file::to_json(&inst).expect("small");
    let back = instance_file::parse_instance(&text).expect("own output");
    assert_eq!(back.tabulate(), inst.tabulate());
}

#[wasm_bindgen_test]
fn worker_requests_survive_the_message_encoding() {
    let request = ToWorker::SolveExact {
        instance: InstanceSpec::Generated {
            distribution: "combined".into(),
            params: vec![("gamma".into(), 0.25)],
            agents: 12,
            seed: u64::MAX,
        },
    };
    let back: ToWorker = decode(&encode(&request)).expect("own encoding");
    assert_eq!(back, request);
    let ToWorker::SolveExact { instance } = back else {
        unreachable!("a SolveExact request decoded as another request");
    };
    let (inst, described) = build_instance(&instance).expect("valid spec");
    assert_eq!(inst.agents(), 12);
    assert_eq!(inst.seed(), Some(u64::MAX));
    assert!(
        described.contains("seed 18446744073709551615"),
        "{described}"
    );
}

#[wasm_bindgen_test]
fn bad_specs_give_messages_not_panics() {
    let bad = InstanceSpec::File {
        name: "x.json".into(),
        text: "{\"n\": 1}".into(),
    };
    let err = build_instance(&bad).expect_err("missing values");
    assert!(err.starts_with("x.json: values: missing"), "{err}");
    let unknown = InstanceSpec::Generated {
        distribution: "gaussian".into(),
        params: vec![],
        agents: 3,
        seed: 1,
    };
    assert!(build_instance(&unknown)
        .expect_err("unknown")
        .contains("unknown distribution"));
}

/// The page's set-up as the browser itself reads the query: `URLSearchParams` gives back each
/// field as typed, and our reading gives back the whole set-up.
#[wasm_bindgen_test]
fn the_setup_survives_the_url_as_the_browser_reads_it() {
    use bridge_lab::page::setup::Setup;
    let defaults = Setup::fixture();
    let setup = Setup {
        agents: "12".into(),
        seed: "18446744073709551615".into(),
        hidden: "64, 32 & more=ε ü% +".into(),
        network: Some("20".into()),
        learning_rate: "1e-3".into(),
        double_dqn: false,
        params: vec![("scale".into(), "-2.5".into()), ("p".into(), "0.2".into())],
        ..defaults.clone()
    };
    let query = setup.to_query();
    let get = js_sys::Function::new_with_args("q, k", "return new URLSearchParams(q).get(k)");
    for (key, expected) in [
        ("hidden", "64, 32 & more=ε ü% +"),
        ("seed", "18446744073709551615"),
        ("p.scale", "-2.5"),
        ("network", "20"),
        ("double", "0"),
    ] {
        let got = get
            .call2(
                &JsValue::NULL,
                &JsValue::from_str(&query),
                &JsValue::from_str(key),
            )
            .expect("URLSearchParams reads the query");
        assert_eq!(
            got.as_string().as_deref(),
            Some(expected),
            "{key} in {query}"
        );
    }
    let no_params = |_: &str| Vec::new();
    assert_eq!(
        Setup::from_query(&format!("?{query}"), &defaults, no_params),
        setup
    );
}

/// Number fields and the 4-digit display behave in wasm as natively.
#[wasm_bindgen_test]
fn numbers_are_read_and_shown_alike_in_wasm() {
    use bridge_lab::page::numbers::{count, decimal, short, whole};
    assert_eq!(decimal("learning rate", "2.5", 0.0, 10.0), Ok(2.5));
    assert_eq!(decimal("learning rate", "1e-3", 0.0, 1.0), Ok(0.001));
    assert_eq!(
        whole("seed", "18446744073709551615", 0, u64::MAX),
        Ok(u64::MAX)
    );
    assert_eq!(count("episodes", "1e3", 1, 5000), Ok(1000));
    assert!(whole("seed", "-3", 0, 10).is_err());
    assert_eq!(short(185.73121677800503), "185.7");
    assert_eq!(short(0.000123456), "0.0001235");
}

/// A clock that advances 1 ms every time it is read, so slices are deterministic.
#[derive(Default)]
struct Ticks(std::cell::Cell<f64>);

impl bridge_lab::service::Clock for Ticks {
    fn now_ms(&self) -> f64 {
        self.0.set(self.0.get() + 1.0);
        self.0.get()
    }
}

/// The worker's training, paused and resumed between slices in wasm, ends with the leader an
/// uninterrupted run trains.
#[wasm_bindgen_test]
fn a_training_chunk_paused_and_resumed_equals_one_run_in_wasm() {
    use bridge_lab::leader::DqnParams;
    use bridge_lab::service::protocol::{FromWorker, TrainSpec};
    use bridge_lab::service::Service;
    let request = || {
        ToWorker::Train(TrainSpec {
            instance: InstanceSpec::Generated {
                distribution: "modified_normal".into(),
                params: vec![],
                agents: 5,
                seed: 3,
            },
            max_agents: 6,
            hidden: vec![16],
            scorer: "additive".into(),
            episodes: 8,
            dqn: DqnParams {
                batch_size: 8,
                epsilon_decay_steps: 50,
                early_stop_window: 0,
                seed: 4,
                ..DqnParams::default()
            },
            continue_current: false,
        })
    };
    // The leader's weights and the episodes' values, wall times left out.
    let outcome = |pause: bool| {
        let (mut service, clock) = (Service::new(), Ticks::default());
        let mut answers = service.handle(request(), &clock);
        while service.busy() {
            answers.extend(service.work(1.0, &clock));
            if pause && service.busy() {
                assert_eq!(
                    service.handle(ToWorker::PauseTraining, &clock),
                    vec![FromWorker::Paused(true)]
                );
                assert!(service.work(1.0, &clock).is_empty(), "no work while paused");
                assert_eq!(
                    service.handle(ToWorker::ResumeTraining, &clock),
                    vec![FromWorker::Paused(false)]
                );
            }
        }
        answers
            .into_iter()
            .filter_map(|a| match a {
                FromWorker::Episode(e) => Some(format!("{e:?}")),
                FromWorker::Leader(Ok(l)) => Some(l.base64),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let whole = outcome(false);
    assert_eq!(whole.len(), 9, "8 episodes and the leader");
    assert_eq!(outcome(true), whole);
}
