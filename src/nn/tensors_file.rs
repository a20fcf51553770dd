//! Weight files as safetensors bytes (SPEC section 3), the format PyTorch and candle share, read
//! and written in memory so that the browser can download and upload them.
//!
//! Every file carries a `format` in its header's `__metadata__` (`bridge-leader/1`,
//! `bridge-follower/1`) and whatever else its kind needs to rebuild the network. Reading checks
//! the format first, then each tensor's name, dtype, shape and values as it is asked for, and
//! names the first mismatch: a user who uploads the wrong file learns which file it is.

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use safetensors::{Dtype, SafeTensors};

use super::error::{Error, Result};

fn bad(what: String) -> Error {
    Error::Weights(what)
}

/// Collects named `f32` tensors and metadata, then writes them as one safetensors file.
#[derive(Debug, Default)]
pub struct TensorsWriter {
    metadata: HashMap<String, String>,
    tensors: Vec<(String, Vec<usize>, Vec<u8>)>,
}

impl TensorsWriter {
    /// A file of kind `format` (its `format` metadata).
    pub fn new(format: &str) -> Self {
        let mut w = Self::default();
        w.meta("format", format);
        w
    }

    /// Sets metadata `key` to `value`.
    pub fn meta(&mut self, key: &str, value: impl ToString) -> &mut Self {
        self.metadata.insert(key.to_string(), value.to_string());
        self
    }

    /// Adds `tensor` (any shape, stored as `f32`) under `name`.
    pub fn tensor(&mut self, name: impl Into<String>, tensor: &Tensor) -> Result<&mut Self> {
        let values = tensor
            .flatten_all()?
            .to_dtype(candle_core::DType::F32)?
            .to_vec1::<f32>()?;
        let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.tensors
            .push((name.into(), tensor.dims().to_vec(), bytes));
        Ok(self)
    }

    /// The file's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let views = self
            .tensors
            .iter()
            .map(|(name, shape, bytes)| {
                safetensors::tensor::TensorView::new(Dtype::F32, shape.clone(), bytes)
                    .map(|v| (name.clone(), v))
                    .map_err(|e| bad(e.to_string()))
            })
            .collect::<Result<Vec<_>>>()?;
        let bytes = safetensors::serialize(views, Some(self.metadata.clone()))
            .map_err(|e| bad(e.to_string()))?;
        canonical_header(bytes)
    }
}

/// Rewrites a safetensors file's JSON header with its keys sorted: safetensors writes the
/// metadata in a hash map's order, which changes from run to run, and the same weights must
/// give the same bytes (checkpoints and downloads are compared byte for byte). The header stays
/// padded with spaces to a multiple of 8 bytes, as safetensors aligns it.
fn canonical_header(bytes: Vec<u8>) -> Result<Vec<u8>> {
    let corrupt = || bad("safetensors wrote a header we cannot read".into());
    let len_bytes: [u8; 8] = bytes
        .get(..8)
        .ok_or_else(corrupt)?
        .try_into()
        .map_err(|_| corrupt())?;
    let len = usize::try_from(u64::from_le_bytes(len_bytes)).map_err(|_| corrupt())?;
    let header = bytes.get(8..8 + len).ok_or_else(corrupt)?;
    // serde_json's map is ordered by key (its `preserve_order` feature is off).
    let value: serde_json::Value = serde_json::from_slice(header).map_err(|_| corrupt())?;
    let mut sorted = serde_json::to_vec(&value).map_err(|_| corrupt())?;
    sorted.resize(sorted.len().next_multiple_of(8), b' ');
    let mut out = Vec::with_capacity(bytes.len());
    out.extend((sorted.len() as u64).to_le_bytes());
    out.extend(&sorted);
    out.extend(&bytes[8 + len..]);
    Ok(out)
}

/// A safetensors file whose `format` has been checked; tensors are checked as they are read.
pub struct TensorsFile<'a> {
    metadata: HashMap<String, String>,
    tensors: SafeTensors<'a>,
    what: &'static str,
}

impl<'a> TensorsFile<'a> {
    /// Opens `bytes`, refusing anything that is not a safetensors file of kind `format`.
    /// `what` names the kind for messages ("a BRIDGE leader's weights file").
    pub fn open(bytes: &'a [u8], format: &str, what: &'static str) -> Result<Self> {
        let (_, header) = SafeTensors::read_metadata(bytes)
            .map_err(|e| bad(format!("not a safetensors file, or a corrupted one ({e})")))?;
        let metadata = header.metadata().clone().unwrap_or_default();
        let found = metadata
            .get("format")
            .ok_or_else(|| bad(format!("the metadata has no `format`; is this {what}?")))?;
        if found != format {
            return Err(bad(format!("format is `{found}`, expected `{format}`")));
        }
        let tensors = SafeTensors::deserialize(bytes)
            .map_err(|e| bad(format!("corrupted tensor data ({e})")))?;
        Ok(Self {
            metadata,
            tensors,
            what,
        })
    }

    /// Metadata `key`, which must be present.
    pub fn meta(&self, key: &str) -> Result<&str> {
        self.metadata.get(key).map(String::as_str).ok_or_else(|| {
            bad(format!(
                "the metadata has no `{key}`; is this {}?",
                self.what
            ))
        })
    }

    /// Metadata `key` if present.
    pub fn meta_or_default(&self, key: &str) -> String {
        self.metadata.get(key).cloned().unwrap_or_default()
    }

    /// Metadata `key` as a whole number.
    pub fn meta_usize(&self, key: &str) -> Result<usize> {
        self.meta(key)?
            .trim()
            .parse()
            .map_err(|_| bad(format!("`{key}` is not a whole number")))
    }

    /// Metadata `key` as comma-separated whole numbers (an empty value is an empty list).
    pub fn meta_usizes(&self, key: &str) -> Result<Vec<usize>> {
        let text = self.meta(key)?;
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        text.split(',')
            .map(|h| h.trim().parse::<usize>())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|_| bad(format!("`{key}` is not a list of whole numbers")))
    }

    /// Refuses the file unless it holds exactly `expected` tensors.
    pub fn expect_count(&self, expected: usize, of_what: &str) -> Result<()> {
        if self.tensors.len() != expected {
            return Err(bad(format!(
                "expected {expected} tensors for {of_what}, found {}",
                self.tensors.len()
            )));
        }
        Ok(())
    }

    /// Tensor `name`, which must be `f32` of exactly `shape` with finite values.
    pub fn tensor(&self, name: &str, shape: &[usize]) -> Result<Tensor> {
        let view = self
            .tensors
            .tensor(name)
            .map_err(|_| bad(format!("tensor `{name}` is missing")))?;
        if view.dtype() != Dtype::F32 {
            return Err(bad(format!(
                "tensor `{name}` is {:?}, expected F32",
                view.dtype()
            )));
        }
        if view.shape() != shape {
            return Err(bad(format!(
                "tensor `{name}` has shape {:?}, expected {shape:?}",
                view.shape()
            )));
        }
        let values: Vec<f32> = view
            .data()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(bad(format!(
                "tensor `{name}` holds a non-finite value at {i}"
            )));
        }
        Ok(Tensor::from_vec(values, shape, &Device::Cpu)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let t = Tensor::new(&[[1.0f32, 2.0], [3.0, 4.0]], &Device::Cpu).unwrap();
        let mut w = TensorsWriter::new("test/1");
        w.meta("sizes", "2,3").tensor("a", &t).unwrap();
        w.to_bytes().unwrap()
    }

    #[test]
    fn tensors_and_metadata_round_trip() {
        let bytes = sample();
        let f = TensorsFile::open(&bytes, "test/1", "a test file").unwrap();
        assert_eq!(f.meta_usizes("sizes").unwrap(), vec![2, 3]);
        assert_eq!(
            f.tensor("a", &[2, 2]).unwrap().to_vec2::<f32>().unwrap(),
            vec![vec![1.0, 2.0], vec![3.0, 4.0]]
        );
        f.expect_count(1, "one tensor").unwrap();
    }

    #[test]
    fn the_same_tensors_and_metadata_give_the_same_bytes() {
        let t = Tensor::new(&[1.0f32, 2.0], &Device::Cpu).unwrap();
        let write = || {
            let mut w = TensorsWriter::new("test/1");
            for k in 0..12 {
                w.meta(&format!("key{k}"), k);
            }
            w.tensor("b", &t).unwrap().tensor("a", &t).unwrap();
            w.to_bytes().unwrap()
        };
        let first = write();
        // Hash maps are seeded per instance, so a dozen keys would come out in another order.
        for _ in 0..5 {
            assert_eq!(write(), first);
        }
        let f = TensorsFile::open(&first, "test/1", "a test file").unwrap();
        assert_eq!(f.meta_usize("key11").unwrap(), 11);
        assert_eq!(
            f.tensor("a", &[2]).unwrap().to_vec1::<f32>().unwrap(),
            vec![1.0, 2.0]
        );
    }

    #[test]
    fn mismatches_are_named() {
        let bytes = sample();
        let err = |r: Result<_>| match r {
            Err(e) => e.to_string(),
            Ok(_) => panic!("expected an error"),
        };
        assert!(err(TensorsFile::open(&bytes, "other/1", "x").map(|_| ()))
            .contains("format is `test/1`, expected `other/1`"));
        assert!(
            err(TensorsFile::open(b"garbage", "test/1", "x").map(|_| ()))
                .contains("not a safetensors file")
        );
        let f = TensorsFile::open(&bytes, "test/1", "a test file").unwrap();
        assert!(err(f.tensor("a", &[4]).map(|_| ())).contains("shape [2, 2], expected [4]"));
        assert!(err(f.tensor("b", &[2, 2]).map(|_| ())).contains("`b` is missing"));
        assert!(err(f.meta("nope").map(|_| ())).contains("is this a test file?"));
        assert!(err(f.expect_count(2, "two").map(|_| ())).contains("expected 2 tensors"));
    }
}
