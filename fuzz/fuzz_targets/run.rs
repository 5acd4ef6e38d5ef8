//! The whole program: any command line (one argument per line), tariff files, a job file and
//! failing output streams, run through `dis_price::run` in-process. The case format and the
//! property are in `fuzz/run_case.rs`, which the test suite replays too.
#![no_main]

use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;

#[path = "../run_case.rs"]
mod run_case;

use run_case::Workspace;

/// One work directory per process, its files rewritten only when a case changes them.
static SPACE: OnceLock<Mutex<Workspace>> = OnceLock::new();

fuzz_target!(|bytes: &[u8]| {
    let space = SPACE.get_or_init(|| {
        // SAFETY: set once, before any case runs a thread of its own.
        unsafe {
            std::env::remove_var(dis_price::commands::TARIFF_ENV);
            std::env::remove_var("NO_COLOR");
        }
        let dir = std::env::temp_dir().join(format!("dis-price-fuzz-run-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a work directory");
        Mutex::new(Workspace::new(dir))
    });
    let mut space = space.lock().unwrap_or_else(|e| e.into_inner());
    let _ = run_case::check(bytes, &mut space);
});
