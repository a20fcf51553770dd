//! The graph leader's weights as safetensors (SPEC section 3), through
//! [`crate::nn::tensors_file`]: format `bridge-leader/1` with `network = graph`, the shape
//! (`hidden`, `rounds`, `neighbours`, `candidates`), the feature set (`features`, with the node
//! and edge feature counts: `graph-features/1`, `/2` with the next merge's, `/3` with its gain;
//! [`FeatureSet`]) and `trained_on`.
//! No `max_agents`: the file runs at any size.
//!
//! Tensors (`f32`, PyTorch's `[out, in]` layout): `encoder.{weight,bias}`,
//! `rounds.R.{weight,bias}`, `scorer.0.{weight,bias}`, `scorer.1.{weight,bias}`,
//! `value.0.{weight,bias}`, `value.1.{weight,bias}`.

use candle_core::{Device, Tensor};

use super::features::{FeatureSet, NODE_FEATURES};
use super::network::{GraphConfig, GraphNetwork};
use crate::leader::error::{Error, Result};
use crate::leader::weights::FORMAT;
use crate::nn::mlp::Mlp;
use crate::nn::{TensorsFile, TensorsWriter};

/// The `network` metadata of the graph leader's files.
pub const NETWORK: &str = "graph";

fn add_layers(file: &mut TensorsWriter, prefix: &str, mlp: &Mlp) -> Result<()> {
    let sizes = mlp.sizes();
    for l in 0..sizes.len() - 1 {
        let (w, b) = mlp.layer(l);
        let name = if sizes.len() == 2 {
            prefix.to_string()
        } else {
            format!("{prefix}.{l}")
        };
        let w = Tensor::from_slice(w, (sizes[l + 1], sizes[l]), &Device::Cpu)?;
        let b = Tensor::from_slice(b, sizes[l + 1], &Device::Cpu)?;
        file.tensor(format!("{name}.weight"), &w)?
            .tensor(format!("{name}.bias"), &b)?;
    }
    Ok(())
}

/// Serialises `net` with its metadata.
pub fn to_bytes(net: &GraphNetwork, trained_on: &str) -> Result<Vec<u8>> {
    let c = net.config();
    let mut file = TensorsWriter::new(FORMAT);
    file.meta("network", NETWORK)
        .meta("hidden", c.hidden)
        .meta("rounds", c.rounds)
        .meta("neighbours", c.neighbours)
        .meta("candidates", c.candidates)
        .meta("features", c.features_version())
        .meta("node_features", NODE_FEATURES)
        .meta("edge_features", c.edge_features())
        .meta("trained_on", trained_on);
    let (encoder, rounds, scorer) = net.layers();
    add_layers(&mut file, "encoder", encoder)?;
    for (r, layer) in rounds.iter().enumerate() {
        add_layers(&mut file, &format!("rounds.{r}"), layer)?;
    }
    add_layers(&mut file, "scorer", scorer)?;
    add_layers(&mut file, "value", net.value_head())?;
    Ok(file.to_bytes()?)
}

fn read_layers(file: &TensorsFile<'_>, prefix: &str, sizes: &[usize]) -> Result<Vec<f32>> {
    let mut params = Vec::new();
    for l in 0..sizes.len() - 1 {
        let name = if sizes.len() == 2 {
            prefix.to_string()
        } else {
            format!("{prefix}.{l}")
        };
        let w = file.tensor(&format!("{name}.weight"), &[sizes[l + 1], sizes[l]])?;
        let b = file.tensor(&format!("{name}.bias"), &[sizes[l + 1]])?;
        params.extend(w.flatten_all()?.to_vec1::<f32>()?);
        params.extend(b.to_vec1::<f32>()?);
    }
    Ok(params)
}

/// Whether `bytes` hold a graph leader (a leader file whose `network` is `graph`).
pub fn is_graph(bytes: &[u8]) -> bool {
    TensorsFile::open(bytes, FORMAT, "a BRIDGE leader's weights file")
        .is_ok_and(|f| f.meta_or_default("network") == NETWORK)
}

/// Reads a graph leader from safetensors bytes, refusing any mismatch with what this build's
/// network reads; returns it with its `trained_on`.
pub fn from_bytes(bytes: &[u8]) -> Result<(GraphNetwork, String)> {
    let file = TensorsFile::open(bytes, FORMAT, "a BRIDGE leader's weights file")?;
    let network = file.meta_or_default("network");
    if network != NETWORK {
        return Err(Error::Weights(format!(
            "this file holds the paper's leader network (sized for {} agents), not the \
             size-independent graph leader; use it with a paper network, or train one with \
             `bridge train --network graph`",
            file.meta_or_default("max_agents")
        )));
    }
    let features = file.meta("features")?;
    let (nodes, edges) = (
        file.meta_usize("node_features")?,
        file.meta_usize("edge_features")?,
    );
    // The feature set whose version and counts the file states, if this build reads it.
    let Some(set) = FeatureSet::ALL.into_iter().find(|set| {
        features == set.version() && nodes == NODE_FEATURES && edges == set.edge_features()
    }) else {
        let known: Vec<String> = FeatureSet::ALL
            .iter()
            .map(|set| {
                format!(
                    "`{}` ({NODE_FEATURES}, {})",
                    set.version(),
                    set.edge_features()
                )
            })
            .collect();
        return Err(Error::Weights(format!(
            "the network was trained on features `{features}` ({nodes} per coalition, {edges} per \
             merge); this build reads {}: retrain it with this build's `bridge train --network \
             graph`",
            known.join(", ")
        )));
    };
    let config = GraphConfig {
        hidden: file.meta_usize("hidden")?,
        rounds: file.meta_usize("rounds")?,
        neighbours: file.meta_usize("neighbours")?,
        candidates: file.meta_usize("candidates")?,
        features: set,
    };
    config
        .validate()
        .map_err(|e| Error::Weights(format!("metadata: {e}")))?;
    let h = config.hidden;
    file.expect_count(
        2 * (config.rounds + 5),
        &format!("{} layers", config.rounds + 5),
    )?;
    let encoder = read_layers(&file, "encoder", &[NODE_FEATURES, h])?;
    let rounds = (0..config.rounds)
        .map(|r| read_layers(&file, &format!("rounds.{r}"), &[2 * h, h]))
        .collect::<Result<Vec<_>>>()?;
    let scorer = read_layers(&file, "scorer", &[2 * h + config.edge_features(), h, 1])?;
    let value = read_layers(&file, "value", &[h, h, 1])?;
    let net = GraphNetwork::from_parts(config, encoder, rounds, scorer, value)?;
    Ok((net, file.meta_or_default("trained_on")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leader::network::{NetworkConfig, QNetwork};

    #[test]
    fn weights_round_trip_and_mismatches_are_refused_with_the_reason() {
        let net = GraphNetwork::new(
            GraphConfig {
                hidden: 5,
                ..Default::default()
            },
            3,
        )
        .expect("valid");
        let bytes = to_bytes(&net, "test").expect("writes");
        assert!(is_graph(&bytes));
        let (back, trained_on) = from_bytes(&bytes).expect("reads");
        assert_eq!(back, net);
        assert_eq!(trained_on, "test");
        // The earlier feature sets' networks still read, each as its own set.
        for set in FeatureSet::ALL {
            let older = GraphNetwork::new(
                GraphConfig {
                    features: set,
                    ..Default::default()
                },
                3,
            )
            .expect("valid");
            let (back, _) = from_bytes(&to_bytes(&older, "older").expect("writes")).expect("reads");
            assert_eq!(back, older, "{set:?}");
        }

        let err = |bytes: &[u8]| {
            from_bytes(bytes)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        // The paper's network in the graph leader's place.
        let paper = QNetwork::new(NetworkConfig::new(4), 1).expect("valid");
        let paper_bytes = crate::leader::weights::to_bytes(&paper, "x").expect("writes");
        assert!(!is_graph(&paper_bytes));
        assert!(
            err(&paper_bytes).contains("paper's leader network"),
            "{}",
            err(&paper_bytes)
        );
        // And the graph leader in the paper's.
        let e = crate::leader::weights::from_bytes(&bytes)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("graph leader"), "{e}");

        // A tensor of the wrong shape for the metadata's width.
        let mut w = TensorsWriter::new(FORMAT);
        w.meta("network", NETWORK)
            .meta("hidden", 6)
            .meta("rounds", 2)
            .meta("neighbours", 4)
            .meta("candidates", 16)
            .meta("features", FeatureSet::default().version())
            .meta("node_features", NODE_FEATURES)
            .meta("edge_features", FeatureSet::default().edge_features());
        let (encoder, rounds, scorer) = net.layers();
        add_layers(&mut w, "encoder", encoder).expect("adds");
        for (r, layer) in rounds.iter().enumerate() {
            add_layers(&mut w, &format!("rounds.{r}"), layer).expect("adds");
        }
        add_layers(&mut w, "scorer", scorer).expect("adds");
        add_layers(&mut w, "value", net.value_head()).expect("adds");
        let e = err(&w.to_bytes().expect("writes"));
        assert!(
            e.contains("tensor `encoder.weight` has shape [5, 7], expected [6, 7]"),
            "{e}"
        );
        // Another feature set.
        w.meta("features", "graph-features/0");
        let e = err(&w.to_bytes().expect("writes"));
        assert!(e.contains("retrain"), "{e}");
        assert!(e.contains("`graph-features/3` (7, 14)"), "{e}");
    }
}
