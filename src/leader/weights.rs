//! Leader weights as safetensors (SPEC section 3): the format PyTorch and candle share, read and
//! written as bytes so the browser can download and upload them (through [`crate::nn::tensors_file`]).
//!
//! Tensors are `layers.K.weight` (`[out, in]`) and `layers.K.bias` (`[out]`), all `f32`, plus
//! `scorer.0.*` and `scorer.1.*` for a learned scorer. The
//! header's `__metadata__` holds `format = bridge-leader/1`, `max_agents`, `hidden` (comma-separated
//! widths), `scorer` and `trained_on`. Loading checks all of it and names the first mismatch.

use super::error::{Error, Result};
use super::network::{NetworkConfig, QNetwork, Scorer};
use crate::nn::{TensorsFile, TensorsWriter};

/// The `format` value of leader weight files.
pub const FORMAT: &str = "bridge-leader/1";

/// What a weights file says about itself besides the tensors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightsInfo {
    /// The network's shape.
    pub config: NetworkConfig,
    /// What it was trained on, in words (distribution, agents, seed, episodes).
    pub trained_on: String,
}

/// The name of layer `k` (counting the trunk, then the scorer): `layers.K` or `scorer.K`.
fn tensor_prefix(config: &NetworkConfig, k: usize) -> String {
    let trunk = config.layer_sizes().len();
    if k < trunk {
        format!("layers.{k}")
    } else {
        format!("scorer.{}", k - trunk)
    }
}

/// Serialises `net` with its metadata.
pub fn to_bytes(net: &QNetwork, trained_on: &str) -> Result<Vec<u8>> {
    let config = net.config();
    let mut file = TensorsWriter::new(FORMAT);
    file.meta("max_agents", config.max_agents)
        .meta(
            "hidden",
            config
                .hidden
                .iter()
                .map(|h| h.to_string())
                .collect::<Vec<_>>()
                .join(","),
        )
        .meta("scorer", config.scorer.name())
        .meta("trained_on", trained_on);
    for (k, layer) in net.layers().iter().enumerate() {
        let prefix = tensor_prefix(config, k);
        file.tensor(format!("{prefix}.weight"), layer.weight.as_tensor())?
            .tensor(format!("{prefix}.bias"), layer.bias.as_tensor())?;
    }
    Ok(file.to_bytes()?)
}

/// Reads a leader network from safetensors bytes, refusing anything that is not exactly what
/// its metadata describes.
pub fn from_bytes(bytes: &[u8]) -> Result<(QNetwork, WeightsInfo)> {
    let file = TensorsFile::open(bytes, FORMAT, "a BRIDGE leader's weights file")?;
    if file.meta_or_default("network") == super::graph::weights::NETWORK {
        return Err(Error::Weights(
            "this file holds the size-independent graph leader, not the paper's network: run it \
             with `bridge solve --algo bridge --weights FILE` or continue it with \
             `bridge train --network graph --init FILE`"
                .into(),
        ));
    }
    let scorer = Scorer::from_name(file.meta("scorer")?)
        .map_err(|e| Error::Weights(format!("metadata: {e}")))?;
    let config = NetworkConfig {
        max_agents: file.meta_usize("max_agents")?,
        hidden: file.meta_usizes("hidden")?,
        scorer,
    };
    config
        .validate()
        .map_err(|e| Error::Weights(format!("metadata: {e}")))?;
    let sizes = config.all_sizes();
    file.expect_count(sizes.len() * 2, &format!("{} layers", sizes.len()))?;
    let mut layers = Vec::new();
    for (k, &(inputs, outputs)) in sizes.iter().enumerate() {
        let prefix = tensor_prefix(&config, k);
        let w = file.tensor(&format!("{prefix}.weight"), &[outputs, inputs])?;
        let b = file.tensor(&format!("{prefix}.bias"), &[outputs])?;
        layers.push((w, b));
    }
    let net = QNetwork::from_tensors(config.clone(), layers)?;
    let trained_on = file.meta_or_default("trained_on");
    Ok((net, WeightsInfo { config, trained_on }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use safetensors::{Dtype, SafeTensors};

    fn sample() -> QNetwork {
        QNetwork::new(
            NetworkConfig {
                max_agents: 4,
                hidden: vec![6, 5],
                scorer: Default::default(),
            },
            9,
        )
        .expect("valid")
    }

    fn flat(net: &QNetwork) -> Vec<f32> {
        net.layers()
            .iter()
            .flat_map(|l| {
                let w = l
                    .weight
                    .as_tensor()
                    .flatten_all()
                    .and_then(|t| t.to_vec1::<f32>())
                    .expect("f32");
                let b = l.bias.as_tensor().to_vec1::<f32>().expect("f32");
                w.into_iter().chain(b)
            })
            .collect()
    }

    #[test]
    fn weights_round_trip_with_metadata() {
        let net = sample();
        let bytes = to_bytes(&net, "modified_normal, 3 agents, seed 1").expect("serialises");
        let (back, info) = from_bytes(&bytes).expect("reads its own output");
        assert_eq!(flat(&back), flat(&net));
        assert_eq!(
            info.config,
            NetworkConfig {
                max_agents: 4,
                hidden: vec![6, 5],
                scorer: Default::default()
            }
        );
        assert_eq!(info.trained_on, "modified_normal, 3 agents, seed 1");
    }

    #[test]
    fn a_learned_scorer_round_trips() {
        let config = NetworkConfig {
            scorer: Scorer::Learned { hidden: 3 },
            ..NetworkConfig::new(3)
        };
        let net = QNetwork::new(config.clone(), 1).expect("valid");
        let (back, info) = from_bytes(&to_bytes(&net, "x").expect("serialises")).expect("reads");
        assert_eq!(info.config, config);
        assert_eq!(flat(&back), flat(&net));
        assert_eq!(
            back.plain_scorer().expect("f32"),
            net.plain_scorer().expect("f32")
        );
    }

    fn refused(bytes: &[u8], expected: &str) {
        let err = from_bytes(bytes).expect_err("refused").to_string();
        assert!(err.contains(expected), "`{err}` lacks `{expected}`");
    }

    /// Rewrites a valid file with changed metadata or tensors.
    fn tampered(
        meta: &[(&str, &str)],
        drop: Option<&str>,
        reshape: Option<(&str, Vec<usize>)>,
        dtype: Option<Dtype>,
    ) -> Vec<u8> {
        let bytes = to_bytes(&sample(), "x").expect("serialises");
        let st = SafeTensors::deserialize(&bytes).expect("valid");
        let (_, header) = SafeTensors::read_metadata(&bytes).expect("valid");
        let mut metadata = header.metadata().clone().unwrap_or_default();
        for (k, v) in meta {
            metadata.insert(k.to_string(), v.to_string());
        }
        let mut owned: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = Vec::new();
        for (name, view) in st.tensors() {
            if Some(name.as_str()) == drop {
                continue;
            }
            let mut shape = view.shape().to_vec();
            let mut data = view.data().to_vec();
            if let Some((n, s)) = &reshape {
                if *n == name {
                    let len: usize = s.iter().product();
                    data.resize(len * 4, 0);
                    shape = s.clone();
                }
            }
            let mut dt = Dtype::F32;
            if let (Some(d), true) = (dtype, name == "layers.0.bias") {
                dt = d;
                data.truncate(data.len() / 2);
            }
            owned.push((name, dt, shape, data));
        }
        let views: Vec<_> = owned
            .iter()
            .map(|(n, d, s, b)| {
                (
                    n.clone(),
                    safetensors::tensor::TensorView::new(*d, s.clone(), b).expect("consistent"),
                )
            })
            .collect();
        safetensors::serialize(views, Some(metadata)).expect("serialises")
    }

    #[test]
    fn wrong_files_are_refused_with_the_reason() {
        refused(b"not a safetensors file at all", "not a safetensors file");
        let good = to_bytes(&sample(), "x").expect("serialises");
        refused(&good[..good.len() - 7], "corrupted");
        refused(
            &tampered(&[("format", "bridge-follower/1")], None, None, None),
            "format is `bridge-follower/1`",
        );
        refused(
            &tampered(&[("max_agents", "five")], None, None, None),
            "`max_agents` is not a whole number",
        );
        refused(
            &tampered(&[("max_agents", "5")], None, None, None),
            "has shape [6, 16], expected [6, 25]",
        );
        refused(
            &tampered(&[("hidden", "6,x")], None, None, None),
            "`hidden` is not a list",
        );
        refused(
            &tampered(&[], Some("layers.1.bias"), None, None),
            "expected 6 tensors for 3 layers, found 5",
        );
        refused(
            &tampered(&[], None, Some(("layers.2.weight", vec![5, 4])), None),
            "tensor `layers.2.weight` has shape [5, 4], expected [5, 5]",
        );
        refused(
            &tampered(&[], None, None, Some(Dtype::F16)),
            "tensor `layers.0.bias` is F16, expected F32",
        );
    }
}
