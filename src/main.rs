//! The `consulta` binary: parse arguments, run, map the outcome to an exit code
//! (0 success, 1 runtime failure, 2 usage error). Everything else is in the library.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// mimalloc: indexing allocates a string per record field and per new term, and glibc's
/// allocator cost about a tenth of a full build's CPU time (perf, 100 MB bench corpus).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    consulta::alloc::tune();
    let cli = consulta::cli::Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr();
    let result = consulta::cli::run(cli, &mut out, &mut err);
    let flushed = out.flush();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(consulta::Error::Io { ref source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(err, "consulta: {e:#}");
            ExitCode::from(if e.is_usage() { 2 } else { 1 })
        }
    }
    .max_with_flush(flushed)
}

trait FlushAware {
    fn max_with_flush(self, flushed: std::io::Result<()>) -> ExitCode;
}

impl FlushAware for ExitCode {
    /// A broken pipe while flushing is success; any other flush failure is a runtime failure.
    fn max_with_flush(self, flushed: std::io::Result<()>) -> ExitCode {
        match flushed {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => ExitCode::from(1),
            _ => self,
        }
    }
}
