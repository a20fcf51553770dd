//! Browser tests (`wasm-bindgen-test` in headless Chromium): the core compiled to wasm gives the
//! same values for a seed as the native build, and the page's worker logic builds instances.

#![cfg(target_arch = "wasm32")]

#[path = "common/golden.rs"]
mod golden;

use bridge_lab::core::{instance_file, CharacteristicFunction, Distribution, Instance};
use bridge_lab::service::build_instance;
use bridge_lab::service::protocol::{decode, encode, InstanceSpec, ToWorker};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn values_and_optima_match_the_native_build_bit_for_bit() {
    assert_eq!(golden::mismatches(), Vec::<String>::new());
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
