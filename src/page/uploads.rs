//! What the page accepts as uploads, checked as soon as a file is chosen: its size against the
//! limit stated beside the control (so a wrong file is refused at once, before the browser reads
//! it into memory), then its content where it is read.

/// The kinds of file the page takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadKind {
    /// An instance file (SPEC section 3, JSON or ODP-IP text).
    Instance,
    /// Leader weights (safetensors).
    Weights,
    /// A recorded Level-Based Foraging episode (lbforaging's JSON).
    Episode,
}

const MB: f64 = 1024.0 * 1024.0;

impl UploadKind {
    /// The largest file of this kind, in bytes. Instances: the values of every coalition of 20
    /// agents take about 20 MB of JSON. Weights: the largest network the page trains (100
    /// agents) takes 5 MB. Episodes: lbforaging's recordings take kilobytes.
    pub fn limit_bytes(self) -> f64 {
        match self {
            UploadKind::Instance => 64.0 * MB,
            UploadKind::Weights => 16.0 * MB,
            UploadKind::Episode => 16.0 * MB,
        }
    }

    /// What the file is, in the page's words.
    pub fn what(self) -> &'static str {
        match self {
            UploadKind::Instance => "instance files",
            UploadKind::Weights => "leader weights",
            UploadKind::Episode => "recorded episodes",
        }
    }

    /// The limit as the page states it beside the control: `up to 16 MB`.
    pub fn limit_text(self) -> String {
        format!("up to {} MB", self.limit_bytes() / MB)
    }

    /// Whether a file `name` of `bytes` may be read; if not, what to do.
    pub fn check_size(self, name: &str, bytes: f64) -> Result<(), String> {
        if bytes <= self.limit_bytes() {
            return Ok(());
        }
        Err(format!(
            "{name} is {:.1} MB; the page takes {} {} — choose a smaller file, or use the \
             command line, which has no such limit",
            bytes / MB,
            self.what(),
            self.limit_text()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_over_the_stated_limit_are_refused_with_it() {
        let kind = UploadKind::Weights;
        assert_eq!(kind.limit_text(), "up to 16 MB");
        assert!(kind.check_size("w.safetensors", 16.0 * MB).is_ok());
        let e = kind
            .check_size("w.safetensors", 17.0 * MB)
            .expect_err("too large");
        assert!(
            e.starts_with("w.safetensors is 17.0 MB; the page takes leader weights up to 16 MB"),
            "{e}"
        );
        assert!(UploadKind::Instance.check_size("i.json", 20.0 * MB).is_ok());
    }
}
