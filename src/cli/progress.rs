//! Progress on stderr: an indicatif bar on a terminal, nothing otherwise.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::index::Progress;

/// A progress reporter for an index run.
pub struct Reporter {
    bar: Option<ProgressBar>,
}

impl Reporter {
    /// A bar when stderr is a terminal, silence otherwise.
    pub fn new() -> Reporter {
        Reporter { bar: None }
    }

    /// Handles one event.
    pub fn event(&mut self, p: Progress<'_>) {
        match p {
            Progress::Start { bytes, .. } if std::io::stderr().is_terminal() => {
                let bar = ProgressBar::new(bytes);
                bar.set_style(
                    ProgressStyle::with_template(
                        "{spinner} {bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta} {wide_msg}",
                    )
                    .expect("valid template"),
                );
                self.bar = Some(bar);
            }
            Progress::File { name, bytes } => {
                if let Some(bar) = &self.bar {
                    bar.set_message(name.to_string());
                    bar.inc(bytes);
                }
            }
            Progress::Start { .. } => {}
        }
    }

    /// Removes the bar.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Default for Reporter {
    fn default() -> Self {
        Reporter::new()
    }
}
