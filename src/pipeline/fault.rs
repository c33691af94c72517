//! Fault injection for the crash tests: `STANCEMAP_KILL_AT=<point>` makes the process
//! send itself SIGKILL at that point, as an OOM killer or a pre-empted node would.
//! Points: `chunk:<k>:articles` (one part file of chunk k written), `chunk:<k>:parts`
//! (all written, journal not yet), `chunk:<k>:torn` (half the journal line written),
//! `chunk:<k>:journal` (journal line written), `finalize:<table>` (that final table
//! written), `finalize:manifest` (manifest written, work files not yet removed).

/// Whether `STANCEMAP_KILL_AT` names `point`; with `kill`, dies there.
pub fn fault_point(point: &str, kill: bool) -> bool {
    let named = std::env::var("STANCEMAP_KILL_AT").is_ok_and(|wanted| wanted == point);
    if named && kill {
        tracing::warn!("STANCEMAP_KILL_AT={point}: killing this process");
        // SAFETY: kill(2) on our own pid has no memory-safety preconditions.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
    }
    named
}

/// Dies at `point` when `STANCEMAP_KILL_AT` names it.
pub fn kill_point(point: &str) {
    fault_point(point, true);
}
